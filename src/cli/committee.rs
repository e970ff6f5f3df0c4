//! `kraken committee`: a committee file and one key file per node, for a real cluster.

use kraken::types::Committee;
use std::net::SocketAddr;
use std::path::Path;

pub fn generate(nodes: usize, host: &str, base_port: u16, seed: u64, out: &Path) -> anyhow::Result<i32> {
    anyhow::ensure!(nodes >= 4, "--nodes {nodes}: BFT needs at least 4 nodes");
    anyhow::ensure!(
        (base_port as usize) + 100 + nodes <= u16::MAX as usize,
        "--base-port {base_port}: ports BASE..BASE+100+N must fit below 65536"
    );
    let addr = |port: usize| -> anyhow::Result<SocketAddr> {
        format!("{host}:{port}").parse().map_err(|e| anyhow::anyhow!("--host {host}: not an IP address ({e})"))
    };
    let mut addrs = Vec::new();
    for i in 0..nodes {
        addrs.push((vec![addr(base_port as usize + i)?], vec![addr(base_port as usize + 100 + i)?]));
    }
    let (committee, keys) = Committee::generate(nodes, seed, |i| addrs[i].clone());
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("committee.json"), serde_json::to_string_pretty(&committee)?)?;
    for (i, k) in keys.iter().enumerate() {
        std::fs::write(out.join(format!("node-{i}.key")), k.secret_hex() + "\n")?;
    }
    println!("wrote {} and {nodes} key files", out.join("committee.json").display());
    Ok(0)
}
