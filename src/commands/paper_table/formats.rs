//! A [`ResultTable`] as Markdown (for the terminal and the book), LaTeX (booktabs, for a paper)
//! and CSV (raw numbers, for anything else).

use super::results::{ResultTable, Spread};
use crate::commands::table::table;

/// Output formats of `rlmpc table`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Latex,
    Csv,
}

fn spread(value: Option<Spread>, plus_minus: &str) -> String {
    value.map_or("-".into(), |(mean, std)| format!("{mean:.2}{plus_minus}{std:.2}"))
}

/// Seconds in the unit that keeps them readable: s, min or h.
fn duration(value: Option<Spread>, plus_minus: &str) -> String {
    let Some((mean, std)) = value else { return "-".into() };
    let (scale, unit) = match mean {
        m if m >= 3600.0 => (3600.0, "h"),
        m if m >= 60.0 => (60.0, "min"),
        _ => (1.0, "s"),
    };
    format!("{:.1}{plus_minus}{:.1} {unit}", mean / scale, std / scale)
}

fn test_cells(test: Option<(f64, f64)>) -> [String; 2] {
    test.map_or(["-".into(), "-".into()], |(t, p)| [format!("{t:.2}"), format!("{p:.2e}")])
}

/// The caption line: what the numbers are.
pub fn caption(t: &ResultTable) -> String {
    format!(
        "mean ± std over seeds of each seed's evaluation mean; Welch's t and p of the per-seed `{}` against {}",
        t.tested, t.baseline
    )
}

/// The header cells shared by Markdown and LaTeX.
fn header(t: &ResultTable) -> Vec<String> {
    let mut cells = vec!["setting".to_string(), "seeds".to_string()];
    cells.extend(t.metrics.iter().cloned());
    cells.extend(["t".to_string(), "p".to_string(), "wall time / run".to_string()]);
    cells
}

/// A Markdown table.
pub fn markdown(t: &ResultTable) -> String {
    let rows = t
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.name.clone(), row.seeds.to_string()];
            cells.extend(row.metrics.iter().map(|m| spread(*m, " ± ")));
            cells.extend(test_cells(row.test));
            cells.push(duration(row.wall_seconds, " ± "));
            cells
        })
        .collect();
    let header = header(t);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    format!("{}\n\n{}\n", caption(t), table(&header, rows))
}

/// `_`, `%`, `&`, `#` and `$` escaped for LaTeX text.
fn latex_text(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "_%&#$".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// A booktabs `tabular`.
pub fn latex(t: &ResultTable) -> String {
    let header = header(t);
    let mut out = format!("% {}\n", caption(t));
    out.push_str(&format!("\\begin{{tabular}}{{l{}}}\n\\toprule\n", "r".repeat(header.len() - 1)));
    let names: Vec<String> = header
        .iter()
        .map(|h| match h.as_str() {
            "t" | "p" => format!("${h}$"),
            other => latex_text(other),
        })
        .collect();
    out.push_str(&format!("{} \\\\\n\\midrule\n", names.join(" & ")));
    for row in &t.rows {
        let mut cells = vec![latex_text(&row.name), row.seeds.to_string()];
        cells.extend(row.metrics.iter().map(|m| m.map_or("--".into(), |m| format!("${}$", spread(Some(m), " \\pm ")))));
        cells.extend(test_cells(row.test));
        cells.push(duration(row.wall_seconds, " $\\pm$ "));
        out.push_str(&format!("{} \\\\\n", cells.join(" & ")));
    }
    out.push_str("\\bottomrule\n\\end{tabular}\n");
    out
}

/// CSV with one column per number: `<metric>_mean`, `<metric>_std`, `t`, `p`,
/// `wall_seconds_mean`, `wall_seconds_std`; empty where there is none.
pub fn csv(t: &ResultTable) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["setting".to_string(), "seeds".to_string()];
    for metric in &t.metrics {
        header.extend([format!("{metric}_mean"), format!("{metric}_std")]);
    }
    header.extend(["t", "p", "wall_seconds_mean", "wall_seconds_std"].map(String::from));
    writer.write_record(&header)?;
    let number = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for row in &t.rows {
        let mut cells = vec![row.name.clone(), row.seeds.to_string()];
        for metric in &row.metrics {
            cells.extend([number(metric.map(|m| m.0)), number(metric.map(|m| m.1))]);
        }
        cells.extend([number(row.test.map(|w| w.0)), number(row.test.map(|w| w.1))]);
        cells.extend([number(row.wall_seconds.map(|w| w.0)), number(row.wall_seconds.map(|w| w.1))]);
        writer.write_record(&cells)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::super::results::Row;
    use super::*;

    fn example() -> ResultTable {
        let row = |name: &str, test| Row {
            name: name.into(),
            seeds: 5,
            metrics: vec![Some((-120.5, 3.25)), None],
            test,
            wall_seconds: Some((5400.0, 360.0)),
        };
        ResultTable {
            metrics: vec!["return".into(), "success".into()],
            rows: vec![row("ppo_mppi_rho0", None), row("ppo_mppi_rho0.3", Some((2.5, 0.031)))],
            tested: "return".into(),
            baseline: "ppo_mppi_rho0".into(),
        }
    }

    #[test]
    fn markdown_has_a_row_per_setting_with_mean_and_std() {
        let text = markdown(&example());
        assert!(text.contains("| ppo_mppi_rho0.3 |"), "{text}");
        assert!(text.contains("-120.50 ± 3.25") && text.contains("1.5 ± 0.1 h") && text.contains("3.10e-2"), "{text}");
    }

    #[test]
    fn latex_escapes_names_and_uses_pm() {
        let text = latex(&example());
        assert!(text.contains("ppo\\_mppi\\_rho0.3 & 5 & $-120.50 \\pm 3.25$ & -- & 2.50"), "{text}");
        assert!(text.starts_with("% mean") && text.contains("\\toprule") && text.ends_with("\\end{tabular}\n"));
    }

    #[test]
    fn csv_has_raw_numbers_and_empty_cells() {
        let text = csv(&example()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "setting,seeds,return_mean,return_std,success_mean,success_std,t,p,wall_seconds_mean,wall_seconds_std"
        );
        assert_eq!(lines[1], "ppo_mppi_rho0,5,-120.5,3.25,,,,,5400,360");
        assert_eq!(lines[2], "ppo_mppi_rho0.3,5,-120.5,3.25,,,2.5,0.031,5400,360");
    }
}
