//! Where SQLite's SQL and PostgreSQL's really differ, and nowhere else.
//!
//! Every query is written once (see [`super::db`]); the few pieces that
//! cannot be are made here: matching names without regard to letter case,
//! the larger and smaller of two values, a list of ids or names as one
//! argument, and whether a transaction must lock the rows it reads.

/// Which SQL a database speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// `column = param`, without regard to (ASCII) letter case. SQLite's
    /// name columns are `COLLATE NOCASE`, so the plain comparison folds case
    /// and uses their index; PostgreSQL's are indexed on `lower(..)`.
    pub fn same_name(self, column: &str, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{column} = {param}"),
            Dialect::Postgres => format!("lower({column}) = lower({param})"),
        }
    }

    /// `column LIKE pattern`, without regard to letter case, with `\` as the
    /// escape character (see `rows::like_escape`).
    pub fn name_like(self, column: &str, pattern: &str) -> String {
        match self {
            Dialect::Sqlite => format!(r"{column} LIKE {pattern} ESCAPE '\'"),
            Dialect::Postgres => format!(r"lower({column}) LIKE lower({pattern}) ESCAPE '\'"),
        }
    }

    /// An `ORDER BY` key that sorts names without regard to letter case.
    pub fn name_order(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{column} COLLATE NOCASE"),
            Dialect::Postgres => format!("lower({column})"),
        }
    }

    /// The function giving the larger of its arguments.
    pub fn greatest(self) -> &'static str {
        match self {
            Dialect::Sqlite => "MAX",
            Dialect::Postgres => "GREATEST",
        }
    }

    /// The function giving the smaller of its arguments.
    pub fn least(self) -> &'static str {
        match self {
            Dialect::Sqlite => "MIN",
            Dialect::Postgres => "LEAST",
        }
    }

    /// `column` is one of the ids bound to `param` (with `Query::bind_ids`).
    pub fn in_ids(self, column: &str, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each({param}))"),
            Dialect::Postgres => format!("{column} = ANY({param})"),
        }
    }

    /// `column` is, without regard to letter case, one of the lower-case
    /// names bound to `param` (with `Query::bind_names`). On SQLite the
    /// column's `NOCASE` folds case.
    pub fn in_names(self, column: &str, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each({param}))"),
            Dialect::Postgres => format!("lower({column}) = ANY({param})"),
        }
    }

    /// Whether a transaction must lock the rows it reads before changing
    /// what depends on them. PostgreSQL runs writers side by side, on every
    /// node; SQLite's write transactions already run one at a time.
    pub fn locks_rows(self) -> bool {
        self == Dialect::Postgres
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn each_dialect_folds_case_its_own_way() {
        assert_eq!(Dialect::Sqlite.same_name("u.name", "$1"), "u.name = $1");
        assert_eq!(
            Dialect::Postgres.same_name("u.name", "$1"),
            "lower(u.name) = lower($1)"
        );
        assert_eq!(
            Dialect::Postgres.name_like("name", "$2"),
            r"lower(name) LIKE lower($2) ESCAPE '\'"
        );
    }
}
