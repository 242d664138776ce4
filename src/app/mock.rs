//! `mock`: serves either reference until interrupted — N-central's side
//! (the reference mock) or, with `--side psa`, the reference PSA calling
//! back the harness's N-central — printing the credentials it accepts and a
//! ready target file; `--list-faults` prints its faults instead.

use crate::cli::{MockArgs, Side};
use crate::config;
use crate::exit::{Exit, Failure};
use crate::mock::{Fault, MockServer, Style};
use crate::psa_mock::{AnswerStyle, NcentralLink, PsaFault, PsaMockServer};

pub(super) async fn mock(args: &MockArgs) -> Result<Exit, Failure> {
    if args.side == Side::Psa {
        return reference_psa(args).await;
    }
    if args.list_faults {
        for f in Fault::all() {
            outln!(
                "{:<26} {:<8} {}",
                f.name(),
                f.requirement(),
                f.description()
            );
        }
        return Ok(Exit::Ok);
    }
    let (faults, style) = named::<Fault, Style>(args, config::MOCK_FAULTS_HINT)?;
    let addr = listen_address(&args.listen).await?;
    let server = MockServer::builder()
        .faults(faults.iter().copied())
        .style(style)
        .listen(addr)
        .start()
        .await
        .map_err(|e| cannot_listen(addr, e))?;
    let c = server.credentials();
    outln!(
        "psa-conformance reference mock listening on {}",
        server.uri()
    );
    if style != Style::Canonical {
        outln!("style: {}", style.name());
    }
    if !faults.is_empty() {
        let names: Vec<String> = faults.iter().map(|f| f.name()).collect();
        outln!("faults on: {}", names.join(", "));
    }
    outln!("It accepts (test credentials of this process only):");
    outln!(
        "  export NCENTRAL_USER_API_JWT='{}'",
        c.user_api_jwt.expose()
    );
    outln!("  export PSA_BEARER_TOKEN='{}'", c.access_token.expose());
    outln!(
        "  export PSA_INTEGRATION_KEY='{}'",
        c.integration_key.expose()
    );
    outln!("  export PSA_PASSWORD='{}'", c.password.expose());
    outln!(
        "  username {}  psaType {}  tickets {}",
        c.username,
        c.psa_type,
        c.ticket_ids.join(", ")
    );
    outln!(
        "  [lifecycle] pending_ticket_id {}  resolvable_ticket_id {}  (linked once per mock instance)",
        c.pending_ticket_id,
        c.resolvable_ticket_id
    );
    let uri = server.uri();
    let target = crate::target_file::for_ncentral_mock(&crate::target_file::NcentralMock {
        base_url: &uri,
        psa_type: &c.psa_type,
        username: &c.username,
        ticket_id: c.ticket_ids.first().map_or("", String::as_str),
        pending_ticket_id: &c.pending_ticket_id,
        resolvable_ticket_id: &c.resolvable_ticket_id,
    });
    print_target_file(&target, "");
    outln!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    Ok(Exit::Ok)
}

/// The faults `--fault` names and the style `--style` names (the
/// reference's default style without it), for either reference: `F` and
/// `S` are its fault and style tables.
fn named<F: clap::ValueEnum, S: clap::ValueEnum + Default>(
    args: &MockArgs,
    faults_hint: &str,
) -> Result<(Vec<F>, S), Failure> {
    let (faults, style) = crate::launch::reference_names(
        ("--fault", "--style"),
        &args.faults,
        args.style.as_deref(),
        faults_hint,
    )
    .map_err(Failure::usage)?;
    Ok((faults, style.unwrap_or_default()))
}

/// Prints a ready target file between marker lines, for `run --target`.
fn print_target_file(toml: &str, side_flag: &str) {
    outln!("A ready target file (save it as mock.toml, export the lines above, then run `psa-conformance run{side_flag} --target mock.toml`):");
    outln!("# --- target file ---");
    for line in toml.lines() {
        outln!("{line}");
    }
    outln!("# --- end of target file ---");
}

/// The address `--listen` names.
async fn listen_address(listen: &str) -> Result<std::net::SocketAddr, Failure> {
    tokio::net::lookup_host(listen)
        .await
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            Failure::usage(format!(
                "--listen {listen:?} is not an address such as 127.0.0.1:8080"
            ))
        })
}

/// A reference that could not bind `--listen` (exit 3).
fn cannot_listen(addr: std::net::SocketAddr, e: std::io::Error) -> Failure {
    Failure::inconclusive(format!("cannot listen on {addr}: {e}"))
        .hint("choose another port with --listen")
}

/// `mock --side psa`: the reference PSA, calling back the N-central at
/// `--ncentral-url` with the credentials from the environment.
async fn reference_psa(args: &MockArgs) -> Result<Exit, Failure> {
    if args.list_faults {
        for f in PsaFault::all() {
            outln!(
                "{:<30} {:<8} {:<8} {}",
                f.name(),
                f.requirement(),
                f.style().name(),
                f.description()
            );
        }
        return Ok(Exit::Ok);
    }
    let (faults, style) = named::<PsaFault, AnswerStyle>(args, config::PSA_FAULTS_HINT)?;
    let ncentral_url = match url::Url::parse(&args.ncentral_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => {
            return Err(Failure::usage(format!(
                "--ncentral-url {:?} is not an http(s) URL",
                args.ncentral_url
            ))
            .hint("the harness's [ncentral] public_url, e.g. http://127.0.0.1:8443"));
        }
    };
    if let Some(ca) = &args.ncentral_ca {
        // Checked now when it exists; read again on each callback.
        let problem = match crate::psa_mock::read_ca_file(ca) {
            Ok(pem) => crate::psa_mock::trusting_only(&pem).err(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(e.to_string()),
        };
        if let Some(problem) = problem {
            return Err(Failure::usage(format!(
                "--ncentral-ca {} cannot be used: {problem}",
                ca.display()
            ))
            .hint("give the PEM file of the CA that signed N-central's certificate (ncentral-ca.pem in the harness's --out)"));
        }
    }
    let user_api_jwt = std::env::var("NCENTRAL_USER_API_JWT")
        .ok()
        .filter(|v| !v.trim().is_empty());
    if style == AnswerStyle::Callback && user_api_jwt.is_none() {
        return Err(
            Failure::usage("environment variable NCENTRAL_USER_API_JWT is not set")
                .at("mock --side psa --style callback")
                .hint("export the User-API JWT the harness's N-central accepts (its [ncentral] user_api_jwt_env)"),
        );
    }
    let addr = listen_address(&args.listen).await?;
    let mut builder = PsaMockServer::builder()
        .style(style)
        .faults(faults.iter().copied())
        .listen(addr)
        .ncentral(NcentralLink {
            base_url: ncentral_url.as_str().trim_end_matches('/').to_string(),
            user_api_jwt: user_api_jwt.unwrap_or_default(),
            integration_key: std::env::var("PSA_INTEGRATION_KEY")
                .ok()
                .filter(|v| !v.is_empty()),
        });
    if let Some(ca) = &args.ncentral_ca {
        builder = builder.ncentral_ca(ca);
    }
    let push_auth = std::env::var("PSA_PUSH_AUTH")
        .ok()
        .filter(|v| !v.is_empty());
    if let Some(value) = &push_auth {
        builder = builder.push_auth("Authorization", value);
    }
    let server = builder.start().await.map_err(|e| cannot_listen(addr, e))?;
    outln!(
        "psa-conformance reference PSA listening; push_url = {}",
        server.push_url()
    );
    outln!(
        "style: {} ({})",
        style.name(),
        match style {
            AnswerStyle::Body => "CREATE answered with externalTicketId and ticketUrl",
            AnswerStyle::Callback => "CREATE answered empty, then a callback",
        }
    );
    if !faults.is_empty() {
        let names: Vec<String> = faults.iter().map(|f| f.name()).collect();
        outln!("faults on: {}", names.join(", "));
    }
    outln!(
        "calls back: {}",
        ncentral_url.as_str().trim_end_matches('/')
    );
    if let Some(ca) = &args.ncentral_ca {
        outln!(
            "trusts for it: only the CA in {}{}",
            ca.display(),
            if ca.exists() {
                ""
            } else {
                " (not there yet: read when it first calls back)"
            }
        );
    }
    outln!(
        "push auth: {}",
        if push_auth.is_some() {
            "Authorization must equal $PSA_PUSH_AUTH"
        } else {
            "none (set PSA_PUSH_AUTH to require it)"
        }
    );
    let push_url = server.push_url();
    let target = crate::target_file::for_reference_psa(&crate::target_file::ReferencePsa {
        push_url: &push_url,
        ncentral_url: &ncentral_url,
        push_auth: push_auth.is_some(),
    });
    print_target_file(&target, " --side psa");
    outln!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    Ok(Exit::Ok)
}
