"""Writes mountain_car_continuous.json: trajectories of Gymnasium's MountainCarContinuous-v0
computed from its published equations in float64 with plain Python (Gymnasium itself stores
the state as float32 after each step; this recording keeps float64 so that an f64
implementation can be compared exactly). Actions stay inside [-1, 1], as an agent's are after
the action space clips them: outside it, Gymnasium's reward penalises the unclipped action.

Run from the repository root: python3 tests/data/mountain_car_continuous.py
"""

import json
import math
import random

MIN_POSITION, MAX_POSITION, MAX_SPEED = -1.2, 0.6, 0.07
GOAL_POSITION, GOAL_VELOCITY, POWER = 0.45, 0.0, 0.0015


def step(state, action):
    position, velocity = state
    force = min(max(action, -1.0), 1.0)
    velocity += force * POWER - 0.0025 * math.cos(3 * position)
    velocity = min(max(velocity, -MAX_SPEED), MAX_SPEED)
    position += velocity
    position = min(max(position, MIN_POSITION), MAX_POSITION)
    if position == MIN_POSITION and velocity < 0:
        velocity = 0.0
    terminated = bool(position >= GOAL_POSITION and velocity >= GOAL_VELOCITY)
    reward = 0.0
    if terminated:
        reward = 100.0
    reward -= math.pow(action, 2) * 0.1
    return [position, velocity], reward, terminated


def record(trajectory_id, initial_state, policy, steps):
    states, actions, rewards, terminated = [list(initial_state)], [], [], []
    state = list(initial_state)
    for t in range(steps):
        action = policy(state, t)
        state, reward, done = step(state, action)
        states.append(state)
        actions.append(action)
        rewards.append(reward)
        terminated.append(done)
        if done:
            break
    return {
        "id": trajectory_id,
        "initial_state": initial_state,
        "actions": actions,
        "states": states,
        "rewards": rewards,
        "terminated": terminated,
    }


def main():
    rng = random.Random(3)
    trajectories = [
        # Uniform random forces from Gymnasium's initial distribution.
        record(0, [-0.5, 0.0], lambda s, t: rng.uniform(-1.0, 1.0), 200),
        record(1, [-0.43, 0.0], lambda s, t: rng.uniform(-1.0, 1.0), 200),
        # Full reverse into the left wall, where the car stops.
        record(2, [-1.0, -0.03], lambda s, t: -1.0, 60),
        # Push along the velocity: rocks out of the valley and reaches the flag.
        record(3, [-0.55, 0.0], lambda s, t: 1.0 if s[1] >= 0 else -1.0, 999),
    ]
    out = {
        "description": "MountainCarContinuous-v0 from its published equations, float64",
        "generator": "tests/data/mountain_car_continuous.py (plain Python, no Gymnasium)",
        "trajectories": trajectories,
    }
    with open("tests/data/mountain_car_continuous.json", "w") as f:
        json.dump(out, f)
        f.write("\n")


main()
