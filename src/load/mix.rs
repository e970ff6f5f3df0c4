//! The mix of transaction kinds a load sends, and the call each kind makes on the
//! genesis contracts.

use std::collections::BTreeMap;

use kraken_execution::calls::{fact, fib, transfer};
use kraken_execution::wallet::Call;
use kraken_execution::Genesis;
use rand::Rng;

/// Weights of the transaction kinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mix {
    pub fib: u64,
    pub fact: u64,
    pub erc20: u64,
    /// KRK transfers of more than any account holds: each must revert.
    pub overdraft: u64,
}

impl Default for Mix {
    fn default() -> Self {
        Mix { fib: 1, fact: 1, erc20: 2, overdraft: 0 }
    }
}

impl Mix {
    /// Reads a scenario's `[load] mix`; empty means the default.
    pub fn from_table(mix: &BTreeMap<String, u64>) -> Result<Mix, String> {
        if mix.is_empty() {
            return Ok(Mix::default());
        }
        let mut m = Mix { fib: 0, fact: 0, erc20: 0, overdraft: 0 };
        for (kind, w) in mix {
            match kind.as_str() {
                "fib" => m.fib = *w,
                "fact" => m.fact = *w,
                "erc20" => m.erc20 = *w,
                "overdraft" => m.overdraft = *w,
                other => return Err(format!("unknown transaction kind `{other}` (expected fib, fact, erc20, overdraft)")),
            }
        }
        match [m.fact, m.erc20, m.overdraft].into_iter().try_fold(m.fib, u64::checked_add) {
            Some(0) => Err("all weights are zero".into()),
            Some(_) => Ok(m),
            // `pick` draws below the total: it must be a u64.
            None => Err("the weights add up to more than 2^64 - 1".into()),
        }
    }

    /// Reads `fib=1,fact=1,erc20=2` (the `--mix` flag); kinds left out weigh 0.
    pub fn parse(text: &str) -> Result<Mix, String> {
        let mut table = BTreeMap::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, weight) = part.split_once('=').ok_or_else(|| format!("`{part}` is not KIND=WEIGHT"))?;
            let weight = weight.trim().parse().map_err(|_| format!("weight of `{}` is not a whole number: `{weight}`", kind.trim()))?;
            table.insert(kind.trim().to_string(), weight);
        }
        if table.is_empty() {
            return Err("no KIND=WEIGHT pairs".into());
        }
        Mix::from_table(&table)
    }

    fn total(&self) -> u64 {
        self.fib + self.fact + self.erc20 + self.overdraft
    }

    /// One call drawn from the mix: fib(10..90), fact(5..30), a small KRK transfer to a
    /// random genesis account, or a transfer of 2^128 - 1 KRK (more than genesis gives
    /// anyone), which the token refuses.
    pub fn pick(&self, genesis: &Genesis, rng: &mut impl Rng) -> Call {
        let pick = rng.gen_range(0..self.total());
        let to = |rng: &mut _| genesis.accounts[Rng::gen_range(rng, 0..genesis.accounts.len())].address;
        if pick < self.fib {
            fib(genesis, rng.gen_range(10..90))
        } else if pick < self.fib + self.fact {
            fact(genesis, rng.gen_range(5..30))
        } else if pick < self.fib + self.fact + self.erc20 {
            transfer(genesis.token, to(rng), rng.gen_range(1..1_000))
        } else {
            transfer(genesis.token, to(rng), u128::MAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_flag_and_names_what_is_wrong() {
        assert_eq!(Mix::parse("fib=1, erc20=3").unwrap(), Mix { fib: 1, fact: 0, erc20: 3, overdraft: 0 });
        assert_eq!(Mix::parse("overdraft=2").unwrap(), Mix { fib: 0, fact: 0, erc20: 0, overdraft: 2 });
        assert!(Mix::parse("fib").unwrap_err().contains("`fib` is not KIND=WEIGHT"));
        assert!(Mix::parse("fib=x").unwrap_err().contains("weight of `fib`"));
        assert!(Mix::parse("swap=1").unwrap_err().contains("unknown transaction kind `swap`"));
        assert!(Mix::parse("fib=0").unwrap_err().contains("all weights are zero"));
        assert!(Mix::parse("").is_err());
        let max = u64::MAX;
        assert!(Mix::parse(&format!("fib={max},erc20=1")).unwrap_err().contains("more than 2^64"));
        assert_eq!(Mix::parse(&format!("fib={max}")).unwrap().fib, max);
    }
}
