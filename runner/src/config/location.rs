//! Where a setting is written in an experiment file, so that an error about it can name the
//! line.

/// The 1-based line of `key` in the TOML `text`: `table.key` (`mppi.lambda`),
/// `table[i].key` for the i-th `[[table]]` (`costs[1].weight`), or a top-level `key`
/// (`seed`). `None` when the file does not write it (a default, or a command-line override).
pub(crate) fn line_of(text: &str, key: &str) -> Option<usize> {
    let (table, name) = match key.rsplit_once('.') {
        Some((table, name)) => (Some(table), name),
        None => (None, key),
    };
    let (table, index) = match table.and_then(|t| t.strip_suffix(']')).and_then(|t| t.split_once('[')) {
        Some((table, index)) => (Some(table), index.parse::<usize>().ok()),
        None => (table, None),
    };
    let mut seen_of_array: usize = 0;
    let mut in_target = table.is_none();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(header) = trimmed.strip_prefix('[') {
            let is_array = header.starts_with('[');
            let header = header.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            if is_array && Some(header) == table {
                seen_of_array += 1;
            }
            in_target = Some(header) == table && index.is_none_or(|i| is_array && seen_of_array == i + 1);
            continue;
        }
        if in_target && assigns(trimmed, name) {
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

    const TEXT: &str = "seed = 3\n[mppi]\nhorizon = 5\nlambda = 1e-320\n[[costs]]\nweight = 1.0\n[[costs]]\nname = \"x\"\nweight = nan\n[learner]\nparams = { critic_hidden = [0], actor_hidden = [0] }\n";

    #[test]
    fn finds_keys_in_tables_arrays_and_inline_tables() {
        assert_eq!(line_of(TEXT, "seed"), Some(1));
        assert_eq!(line_of(TEXT, "mppi.lambda"), Some(4));
        assert_eq!(line_of(TEXT, "costs[0].weight"), Some(6));
        assert_eq!(line_of(TEXT, "costs[1].weight"), Some(9));
        assert_eq!(line_of(TEXT, "learner.actor_hidden"), Some(11));
        assert_eq!(line_of(TEXT, "mppi.num_samples"), None);
        assert_eq!(line_of(TEXT, "costs[2].weight"), None);
    }
}
