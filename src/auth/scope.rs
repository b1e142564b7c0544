//! Token scopes (Docker token spec, "Token Scope Documentation"):
//! `type:name:actions`, e.g. `repository:library/alpine:pull,push` or
//! `registry:catalog:*`. Names may hold `host:port`, so the type ends at the
//! first colon and the actions start after the last.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A set of scopes, merged per resource. `*` absorbs every other action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes {
    by_resource: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Scopes {
    /// No scopes.
    pub fn new() -> Scopes {
        Scopes::default()
    }

    /// `repository:<name>:<actions>`.
    pub fn repository(name: &str, actions: &[&str]) -> Scopes {
        let mut s = Scopes::new();
        s.add("repository", name, actions.iter().copied());
        s
    }

    /// `registry:catalog:*`, for listing repositories.
    pub fn catalog() -> Scopes {
        let mut s = Scopes::new();
        s.add("registry", "catalog", ["*"]);
        s
    }

    /// Adds actions on one resource.
    pub fn add<'a>(&mut self, kind: &str, name: &str, actions: impl IntoIterator<Item = &'a str>) {
        let set = self
            .by_resource
            .entry((kind.to_string(), name.to_string()))
            .or_default();
        for a in actions {
            if !a.is_empty() {
                set.insert(a.to_string());
            }
        }
        if set.contains("*") {
            set.retain(|a| a == "*");
        }
    }

    /// Parses one scope string and adds it; malformed scopes are ignored, as
    /// a challenge may carry scopes of other kinds.
    pub fn add_str(&mut self, scope: &str) {
        let Some((kind, rest)) = scope.split_once(':') else {
            return;
        };
        let Some((name, actions)) = rest.rsplit_once(':') else {
            return;
        };
        if kind.is_empty() || name.is_empty() {
            return;
        }
        self.add(kind, name, actions.split(','));
    }

    /// Parses a space-separated list (the `scope` challenge parameter may
    /// hold several).
    pub fn parse(list: &str) -> Scopes {
        let mut s = Scopes::new();
        for one in list.split(' ') {
            s.add_str(one);
        }
        s
    }

    /// Adds every scope of `other`.
    pub fn merge(&mut self, other: &Scopes) {
        for ((k, n), a) in &other.by_resource {
            self.add(k, n, a.iter().map(String::as_str));
        }
    }

    /// True if every action of `other` is granted here.
    pub fn covers(&self, other: &Scopes) -> bool {
        other.by_resource.iter().all(|(res, actions)| {
            self.by_resource
                .get(res)
                .is_some_and(|have| have.contains("*") || actions.is_subset(have))
        })
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.by_resource.is_empty()
    }

    /// The scopes as strings, sorted, one per resource.
    pub fn to_strings(&self) -> Vec<String> {
        self.by_resource
            .iter()
            .map(|((k, n), a)| {
                format!(
                    "{k}:{n}:{}",
                    a.iter().cloned().collect::<Vec<_>>().join(",")
                )
            })
            .collect()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_strings().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_sorts() {
        let mut s = Scopes::repository("a/b", &["pull"]);
        s.add_str("repository:a/b:push,pull");
        s.add_str("repository:localhost:5000/x:pull");
        assert_eq!(
            s.to_string(),
            "repository:a/b:pull,push repository:localhost:5000/x:pull"
        );
        s.add_str("registry:catalog:*");
        s.add_str("registry:catalog:search");
        assert!(s.to_strings().contains(&"registry:catalog:*".to_string()));
    }

    #[test]
    fn coverage() {
        let have = Scopes::parse("repository:a:pull,push registry:catalog:*");
        assert!(have.covers(&Scopes::repository("a", &["pull"])));
        assert!(have.covers(&Scopes::new()));
        assert!(have.covers(&Scopes::catalog()));
        assert!(!have.covers(&Scopes::repository("a", &["delete"])));
        assert!(!have.covers(&Scopes::repository("b", &["pull"])));
    }

    #[test]
    fn ignores_malformed() {
        let s = Scopes::parse("nonsense :x:y a:: repository:ok:pull");
        assert_eq!(s.to_string(), "repository:ok:pull");
    }
}
