//! The Racing-DZ ego car: the dynamic bicycle's limits and steady states.

use rlmpc_envs::racing::{CarParams, CarState};

fn drive(params: &CarParams, car: &mut CarState, steer: f64, throttle: f64, seconds: f64) {
    for _ in 0..(seconds / 0.1).round() as usize {
        params.step(car, steer, throttle, 0.1, 10);
    }
}

#[test]
fn full_throttle_on_a_straight_reaches_the_speed_where_power_meets_drag() {
    let params = CarParams::default();
    let mut car = CarState { vx: 10.0, ..CarState::default() };
    drive(&params, &mut car, 0.0, 1.0, 120.0);
    // P / v = ½ρ C_dA v² + C_rr m g, solved by bisection.
    let resistance = |v: f64| 0.5 * 1.2 * params.drag_area * v * v + params.rolling_resistance * params.mass * 9.81;
    let (mut lo, mut hi) = (1.0, 200.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if params.max_power / mid > resistance(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    assert!((car.vx - lo).abs() < 0.01 * lo, "top speed {} vs {lo}", car.vx);
    assert!(car.vy.abs() < 1e-9 && car.yaw_rate.abs() < 1e-9 && car.y.abs() < 1e-9, "{car:?}");
}

#[test]
fn braking_stops_the_car_within_the_friction_limit_and_never_reverses() {
    let params = CarParams::default();
    let mut car = CarState { vx: 30.0, ..CarState::default() };
    let mut previous = car.vx;
    for _ in 0..100 {
        params.step(&mut car, 0.0, -1.0, 0.1, 10);
        let deceleration = (previous - car.vx) / 0.1;
        assert!(deceleration <= params.friction * 9.81 * 1.01, "{deceleration} m/s² exceeds μg");
        previous = car.vx;
    }
    assert!(car.vx < 1e-3 && car.vx >= 0.0, "{car:?}");
    // Distance at least v²/(2 μ g) = 35 m for μ = 1.3.
    assert!(car.x >= 900.0 / (2.0 * params.friction * 9.81), "stopped in {} m", car.x);
}

#[test]
fn slow_cornering_approaches_the_kinematic_circle() {
    let params = CarParams::default();
    let steer = 0.25;
    let delta: f64 = steer * params.max_steer;
    let mut car = CarState { vx: 5.0, ..CarState::default() };
    // Hold 5 m/s with a little throttle against rolling resistance and settle the yaw rate.
    for _ in 0..100 {
        let throttle = (5.0 - car.vx).clamp(0.0, 1.0) * 0.5;
        params.step(&mut car, steer, throttle, 0.1, 10);
    }
    let kinematic_rate = car.speed() * delta.tan() / params.wheelbase();
    assert!(
        (car.yaw_rate - kinematic_rate).abs() < 0.05 * kinematic_rate,
        "yaw rate {} vs kinematic {kinematic_rate}",
        car.yaw_rate
    );
}

#[test]
fn fast_cornering_saturates_the_tyres_at_mu_g() {
    let params = CarParams::default();
    let mut car = CarState { vx: 40.0, ..CarState::default() };
    drive(&params, &mut car, 1.0, 0.0, 1.5);
    // Lateral acceleration v·r (steady state) cannot exceed the friction limit.
    let lateral = car.speed() * car.yaw_rate.abs();
    assert!(lateral <= params.friction * 9.81 * 1.1, "lateral acceleration {lateral}");
    // The kinematic model would turn at v·tan δ / L = 6.5 rad/s here; the real car cannot.
    let kinematic_rate = 40.0 * params.max_steer.tan() / params.wheelbase();
    assert!(car.yaw_rate < 0.5 * kinematic_rate, "{} vs {kinematic_rate}", car.yaw_rate);
}

#[test]
fn bad_parameters_are_named() {
    let params = CarParams { friction: -1.0, ..CarParams::default() };
    assert!(params.validate().unwrap_err().contains("car.friction"));
    let params = CarParams { max_steer: 2.0, ..CarParams::default() };
    assert!(params.validate().unwrap_err().contains("car.max_steer"));
}
