//! What a row-level export may say about a person: a pseudonymous key instead of who they are,
//! and only as much of their department, level band and generation as a group of at least the
//! organisation's smallest group shares.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Written in place of an attribute too few exported people share.
pub const WITHHELD: &str = "*";

/// A stable key for record `id` of `kind` ("person", "relationship"): the same for every export
/// of one organisation, unlinkable to the id without the organisation's secret `key`.
pub fn pseudonym(key: &[u8], kind: &str, id: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { unreachable!("HMAC takes a key of any length") };
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(id.to_string().as_bytes());
    let digest = mac.finalize().into_bytes();
    let prefix = if kind == "relationship" { "R" } else { "P" };
    format!("{prefix}-{}", hex::encode(&digest[..8]))
}

/// A person's quasi-identifiers, most useful first: department, level band, generation.
pub type Traits = [String; 3];

/// For each distinct `traits` among the exported people (one entry per person), what the export
/// shows: the longest leading run of attributes that at least `min_group_size` people share,
/// the rest [`WITHHELD`]. Department is kept longest, generation (the most personal) goes first.
pub fn generalised(people: &[Traits], min_group_size: usize) -> BTreeMap<Traits, Traits> {
    let mut shared: BTreeMap<Vec<&str>, usize> = BTreeMap::new();
    for traits in people {
        for depth in 1..=3 {
            *shared.entry(traits[..depth].iter().map(String::as_str).collect()).or_default() += 1;
        }
    }
    let mut shown = BTreeMap::new();
    for traits in people {
        let kept = (1..=3)
            .rev()
            .find(|depth| {
                let prefix: Vec<&str> = traits[..*depth].iter().map(String::as_str).collect();
                shared.get(&prefix).copied().unwrap_or(0) >= min_group_size
            })
            .unwrap_or(0);
        let view = std::array::from_fn(|index| if index < kept { traits[index].clone() } else { WITHHELD.to_owned() });
        shown.insert(traits.clone(), view);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traits(department: &str, band: &str, generation: &str) -> Traits {
        [department.to_owned(), band.to_owned(), generation.to_owned()]
    }

    #[test]
    fn keys_are_stable_per_organisation_and_differ_between_them() {
        let key = b"acme-secret";
        assert_eq!(pseudonym(key, "person", 7), pseudonym(key, "person", 7));
        assert_ne!(pseudonym(key, "person", 7), pseudonym(key, "person", 8));
        assert_ne!(pseudonym(key, "person", 7), pseudonym(b"globex-secret", "person", 7));
        assert_ne!(pseudonym(key, "person", 7)[2..], pseudonym(key, "relationship", 7)[2..]);
        assert!(pseudonym(key, "relationship", 7).starts_with("R-"));
        assert_eq!(pseudonym(key, "person", 7).len(), 2 + 16);
    }

    #[test]
    fn small_groups_lose_their_most_personal_attributes_first() {
        let mut people = vec![traits("Eng", "1-3", "GEN_Z"); 3];
        people.extend(vec![traits("Eng", "1-3", "GEN_X"); 1]);
        people.extend(vec![traits("Eng", "4-6", ""); 1]);
        people.extend(vec![traits("Sales", "10-12", ""); 2]);
        let shown = generalised(&people, 3);
        // Three share everything: all shown.
        assert_eq!(shown[&traits("Eng", "1-3", "GEN_Z")], traits("Eng", "1-3", "GEN_Z"));
        // The one GEN_X shares department and band with four: the generation goes.
        assert_eq!(shown[&traits("Eng", "1-3", "GEN_X")], traits("Eng", "1-3", "*"));
        // The one in 4-6 shares only the department (five people).
        assert_eq!(shown[&traits("Eng", "4-6", "")], traits("Eng", "*", "*"));
        // Two in Sales share nothing with three or more.
        assert_eq!(shown[&traits("Sales", "10-12", "")], traits("*", "*", "*"));
    }
}
