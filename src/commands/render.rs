//! `rlmpc render`: run episodes and draw each one's [`Picture`] into an SVG file with
//! plotters. What an episode looks like is the environment's business
//! ([`Environment::picture`]); this command only runs the controller and draws the elements.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use plotters::prelude::*;
use rlmpc::core::model::SurrogateIn;
use rlmpc::core::picture::{Element, Picture, Rgb};
use rlmpc::core::policy::ConstantAction;
use rlmpc::core::{Environment, HighLevelPolicy};
use rlmpc::runner::config::Experiment;
use rlmpc::runner::evaluation::{run_episode_observed, EpisodeResult, Observed};
use rlmpc::runner::planner::Planner;

use super::eval::TrainedRun;
use super::outputs::refuse_overwriting_inputs;
use super::plugin_args::PluginArgs;

/// Arguments of `rlmpc render`.
#[derive(clap::Args)]
pub struct Args {
    /// Experiment file (TOML): pure MPPI with its fixed action, or with --run the experiment
    /// whose environment the run's policy is rendered on (default: the run's own config).
    #[arg(long, required_unless_present = "run")]
    config: Option<PathBuf>,
    /// Run directory written by `rlmpc train`: render its trained policy (deterministic) with
    /// its planner.
    #[arg(long)]
    run: Option<PathBuf>,
    /// Episodes to draw, one panel each.
    #[arg(long, default_value_t = 1)]
    episodes: usize,
    /// Seed of the first episode (default: the config's); episode i resets with seed + i.
    #[arg(long)]
    seed: Option<u64>,
    /// Output SVG file.
    #[arg(long)]
    out: PathBuf,
    /// Every this many steps, draw the state sequence MPPI predicted (its plan rolled through
    /// the surrogate over the horizon) over the path that happened; 0 draws none.
    #[arg(long, default_value_t = 50)]
    predict_every: usize,
    /// Also write every step as CSV (episode, step, model state, RL action, control) to this file.
    #[arg(long)]
    trace: Option<PathBuf>,
    #[command(flatten)]
    plugins: PluginArgs,
}

/// Pixel size of one panel.
const PANEL: (u32, u32) = (900, 650);
/// Pixels kept free of data on the right of each panel for the legend.
const LEGEND_WIDTH: f64 = 340.0;

/// Runs the episodes, draws them, and writes the SVG.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.episodes == 0 {
        bail!("--episodes must be at least 1");
    }
    let inputs: Vec<&Path> = args.config.iter().map(PathBuf::as_path).collect();
    let runs: Vec<&Path> = args.run.iter().map(PathBuf::as_path).collect();
    for (flag, output) in [("--out", Some(&args.out)), ("--trace", args.trace.as_ref())] {
        if let Some(output) = output {
            refuse_overwriting_inputs(flag, output, &inputs, &runs)?;
        }
    }
    args.plugins.load()?;
    // A trained run acts as `rlmpc eval` does; without one, pure MPPI with the config's fixed action.
    let (mut env, mut policy, mut planner, config_seed): (_, Box<dyn HighLevelPolicy>, _, _) = match &args.run {
        Some(path) => {
            let trained = TrainedRun::load(path, args.config.as_deref(), &[])?;
            (trained.env, trained.learner, trained.planner, trained.experiment.config.seed)
        }
        None => {
            let experiment = Experiment::load(args.config.as_deref().expect("clap requires --config or --run"))?;
            rlmpc::loader::load_all(experiment.plugin_paths())?;
            let env = experiment.build_env()?;
            let action = experiment.config.planner.action.clone();
            let planner = Planner::from_experiment(&experiment, env.as_ref(), action.len())?;
            (env, Box::new(ConstantAction(action)), Some(planner), experiment.config.seed)
        }
    };
    let seed = args.seed.unwrap_or(config_seed);
    let mut panels = Vec::new();
    let mut trace = String::new();
    for episode in 0..args.episodes {
        let episode_seed = seed + episode as u64;
        let mut states: Vec<Vec<f64>> = Vec::new();
        let mut predictions: Vec<Vec<[f64; 2]>> = Vec::new();
        let result = run_episode_observed(
            env.as_mut(),
            planner.as_mut(),
            policy.as_mut(),
            episode_seed,
            &mut |seen: Observed<'_>| {
                let step = states.len();
                if let (Some(planner), Some(before)) = (seen.planner, states.last()) {
                    if args.predict_every > 0 && (step - 1).is_multiple_of(args.predict_every) {
                        predictions.push(predicted_path(seen.env, planner, before));
                    }
                }
                if args.trace.is_some() && step > 0 {
                    let row = [episode as f64, step as f64].into_iter().chain(states[step - 1].iter().copied());
                    let row: Vec<String> =
                        row.chain(seen.action.iter().chain(seen.control).copied()).map(|v| v.to_string()).collect();
                    trace.push_str(&row.join(","));
                    trace.push('\n');
                }
                states.push(seen.env.model_state().to_vec());
            },
        )
        .with_context(|| format!("episode {episode} (seed {episode_seed})"))?;
        println!(
            "episode {episode} (seed {episode_seed}): {} steps, return {:.1}, success {}",
            result.steps, result.episode_return, result.success
        );
        let mut picture = env.picture(&states);
        for (n, points) in predictions.into_iter().enumerate() {
            let label = (n == 0).then(|| format!("MPPI's prediction, every {} steps", args.predict_every));
            picture.elements.push(Element::Line { points, colour: Rgb(200, 0, 200), width: 2, label });
        }
        panels.push((picture, result));
    }
    if let Some(path) = &args.trace {
        let columns =
            [("x", env.model_state().len()), ("a", policy.action_dim()), ("u", env.spec().action_space.dim())];
        let names = columns.iter().flat_map(|&(name, n)| (0..n).map(move |i| format!("{name}{i}")));
        let header = format!("episode,step,{}\n", names.collect::<Vec<_>>().join(","));
        std::fs::write(path, format!("{header}{trace}")).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    draw(&panels, &args.out).with_context(|| format!("drawing {}", args.out.display()))?;
    println!("wrote {}", args.out.display());
    Ok(())
}

/// The states MPPI expected from `state` under its plan (`planner.mppi.plan(0)`, clipped to
/// the action space as the environment clips), as points of the environment's picture.
fn predicted_path(env: &dyn Environment, planner: &Planner, state: &[f64]) -> Vec<[f64; 2]> {
    let space = &env.spec().action_space;
    let model = planner.model.as_ref();
    let mut x = state.to_vec();
    let mut next = vec![0.0; x.len()];
    let mut points = vec![env.picture_point(&x)];
    for u in planner.mppi.plan(0).chunks_exact(space.dim()) {
        SurrogateIn::<f64>::step(model, &x, &space.clip(u), &mut next);
        std::mem::swap(&mut x, &mut next);
        points.push(env.picture_point(&x));
    }
    points
}

fn colour(rgb: Rgb) -> RGBColor {
    RGBColor(rgb.0, rgb.1, rgb.2)
}

/// Draws one panel per episode (two columns) into an SVG at `out`.
fn draw(panels: &[(Picture, EpisodeResult)], out: &std::path::Path) -> anyhow::Result<()> {
    let columns = panels.len().min(2);
    let rows = panels.len().div_ceil(columns);
    let size = (PANEL.0 * columns as u32, PANEL.1 * rows as u32);
    let root = SVGBackend::new(out, size).into_drawing_area();
    root.fill(&WHITE)?;
    for (area, (picture, result)) in root.split_evenly((rows, columns)).iter().zip(panels) {
        draw_panel(area, picture, result)?;
    }
    root.present()?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    picture: &Picture,
    result: &EpisodeResult,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let Some((lo, hi)) = picture.bounds() else { bail!("the picture `{}` has nothing to draw", picture.title) };
    // Equal scales on both axes: widen the narrower range to the panel's aspect ratio.
    let (width, height) = area.dim_in_pixel();
    let (plot_w, plot_h) =
        (f64::from(width.saturating_sub(85)).max(1.0), f64::from(height.saturating_sub(105)).max(1.0));
    // The data fill the plot but for a strip on the right that the legend takes, so that the
    // legend hides nothing.
    let data_w = (plot_w - LEGEND_WIDTH).max(1.0);
    let span = ((hi[0] - lo[0]).max(1e-9), (hi[1] - lo[1]).max(1e-9));
    let scale = (span.0 / data_w).max(span.1 / plot_h) * 1.05;
    let centre = [lo[0] + 0.5 * scale * data_w - 0.025 * span.0, 0.5 * (lo[1] + hi[1])];
    let half_y = 0.5 * scale * plot_h;
    let (x_from, x_to) = (centre[0] - 0.5 * scale * data_w, centre[0] - 0.5 * scale * data_w + scale * plot_w);
    let caption = format!("{} — return {:.1}", picture.title, result.episode_return);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(x_from..x_to, centre[1] - half_y..centre[1] + half_y)?;
    chart.configure_mesh().disable_mesh().x_desc(&picture.axes[0]).y_desc(&picture.axes[1]).draw()?;
    for element in &picture.elements {
        match element {
            Element::Line { points, colour: rgb, width, label } => {
                let style = colour(*rgb).stroke_width(*width);
                let series = chart.draw_series(LineSeries::new(points.iter().map(|p| (p[0], p[1])), style))?;
                if let Some(label) = label {
                    series.label(label.as_str()).legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], style));
                }
            }
            Element::Graded { points, values, label } => {
                let (min, max) =
                    values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
                let max = if max > min { max } else { min + 1.0 };
                let shade = move |v: f64| ViridisRGB::get_color_normalized(v, min, max);
                let segments = points.windows(2).zip(values).map(|(pair, v)| {
                    PathElement::new([(pair[0][0], pair[0][1]), (pair[1][0], pair[1][1])], shade(*v).stroke_width(3))
                });
                chart.draw_series(segments)?.label(format!("{label}: {min:.1} (dark) – {max:.1} (yellow)")).legend(
                    move |(x, y)| PathElement::new([(x, y), (x + 20, y)], shade(0.5 * (min + max)).stroke_width(3)),
                );
            }
            Element::Zone(zone) => {
                let corners = [
                    (zone.x - 0.5 * zone.width, zone.y - 0.5 * zone.height),
                    (zone.x + 0.5 * zone.width, zone.y + 0.5 * zone.height),
                ];
                chart
                    .draw_series(std::iter::once(Rectangle::new(corners, RED.mix(0.35).filled())))?
                    .label("danger zone")
                    .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], RED.mix(0.35).filled()));
            }
            Element::Marker { at, colour: rgb, label } => {
                let fill = colour(*rgb).filled();
                chart
                    .draw_series(std::iter::once(Circle::new((at[0], at[1]), 6, fill)))?
                    .label(label.as_str())
                    .legend(move |(x, y)| Circle::new((x + 10, y), 5, fill));
            }
        }
    }
    chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw()?;
    Ok(())
}
