//! Where a setting is written in an experiment file, so that an error about it can name the
//! line.

use std::collections::HashMap;

/// The 1-based line of `key` in the TOML `text`: `table.key` (`mppi.lambda`),
/// `table[i].key` for the i-th `[[table]]` (`costs[1].weight`), a key of a plugin's parameters
/// (`env.params.danger_zone.x`, written under its own header or inline in an enclosing table),
/// or a top-level `key` (`seed`). `None` when the file does not write it (a default, or a
/// command-line override).
pub(crate) fn line_of(text: &str, key: &str) -> Option<usize> {
    let (mut table, name) = key.rsplit_once('.').unwrap_or(("", key));
    loop {
        if let Some(line) = line_in_table(text, table, name) {
            return Some(line);
        }
        // Up to the outermost table, not the top level: a top-level key of the same name is another key.
        table = table.rsplit_once('.')?.0;
    }
}

/// The line that assigns `name` directly in `table` (`""` for the top level).
fn line_in_table(text: &str, table: &str, name: &str) -> Option<usize> {
    let mut arrays: HashMap<&str, usize> = HashMap::new();
    let mut current = String::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(header) = trimmed.strip_prefix('[') {
            let is_array = header.starts_with('[');
            let header = header.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            if is_array {
                *arrays.entry(header).or_insert(0) += 1;
            }
            // A table inside the latest element of an array of tables (`[costs.params]`) is that element's.
            let (first, rest) = header.split_once('.').map_or((header, ""), |(f, r)| (f, r));
            current = match arrays.get(first) {
                Some(count) if rest.is_empty() => format!("{first}[{}]", count - 1),
                Some(count) => format!("{first}[{}].{rest}", count - 1),
                None => header.to_string(),
            };
            continue;
        }
        if current == table && assigns(trimmed, name) {
            return Some(number + 1);
        }
    }
    None
}

/// Whether `line` assigns `name`, as `name = …` or inside an inline table (`{ name = … }`).
fn assigns(line: &str, name: &str) -> bool {
    line.match_indices(name).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + name.len()..].trim_start();
        before.is_none_or(|c| c == '{' || c == ',' || c.is_whitespace()) && after.starts_with('=')
    })
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const TEXT: &str = "seed = 3\n[mppi]\nhorizon = 5\nlambda = 1e-320\n[[costs]]\nweight = 1.0\n[[costs]]\nname = \"x\"\nweight = nan\n[costs.params]\nfactor = inf\n[learner]\nparams = { critic_hidden = [0], actor_hidden = [0] }\n[env]\nparams = { zone = { x = nan } }\n";

    #[test]
    fn finds_keys_in_tables_arrays_and_inline_tables() {
        assert_eq!(line_of(TEXT, "seed"), Some(1));
        assert_eq!(line_of(TEXT, "mppi.lambda"), Some(4));
        assert_eq!(line_of(TEXT, "costs[0].weight"), Some(6));
        assert_eq!(line_of(TEXT, "costs[1].weight"), Some(9));
        assert_eq!(line_of(TEXT, "costs[1].params.factor"), Some(11));
        assert_eq!(line_of(TEXT, "learner.params.actor_hidden"), Some(13));
        assert_eq!(line_of(TEXT, "env.params.zone.x"), Some(15));
        assert_eq!(line_of(TEXT, "mppi.num_samples"), None);
        assert_eq!(line_of(TEXT, "costs[2].weight"), None);
    }
}
