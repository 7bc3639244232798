#!/usr/bin/env python3
"""Independent reference for Outreach's uplift intervals (ProportionComparison).

Draws seeded two-group outcomes with numpy and computes statsmodels' two-proportion
intervals for each: the difference by Newcombe's hybrid score method and the risk
ratio on the log scale. Prints one JSON object; the Swift test compares Outreach's
own figures with these and checks how often the intervals cover the planted effect.

    python3 Tests/Fixtures/uplift_reference.py [--trials 100]
"""
import argparse
import json

import numpy as np
from statsmodels.stats.proportion import confint_proportions_2indep


def intervals(c1, n1, c2, n2):
    diff = confint_proportions_2indep(c1, n1, c2, n2, method="newcomb", compare="diff", alpha=0.05)
    out = {"treated_outcomes": int(c1), "treated": int(n1), "control_outcomes": int(c2), "control": int(n2),
           "diff_low": float(diff[0]), "diff_high": float(diff[1])}
    if c2 > 0:
        method = "log" if c1 > 0 else "log-adjusted"
        ratio = confint_proportions_2indep(c1, n1, c2, n2, method=method, compare="ratio", alpha=0.05)
        out["ratio_low"], out["ratio_high"] = float(ratio[0]), float(ratio[1])
    return out


def trials(count, n_treated, n_control, p_treated, p_control, seed_base):
    rows = []
    for seed in range(count):
        rng = np.random.RandomState(seed_base + seed)
        c1 = rng.binomial(n_treated, p_treated)
        c2 = rng.binomial(n_control, p_control)
        rows.append(intervals(c1, n_treated, c2, n_control))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    # A 4-point uplift on a 30% base rate; a messaged group much larger than its 5% holdout.
    planted = {"p_treated": 0.34, "p_control": 0.30, "n_treated": 9500, "n_control": 500}
    null = {"p_treated": 0.30, "p_control": 0.30, "n_treated": 9500, "n_control": 500}
    result = {
        "planted": dict(planted, trials=trials(args.trials, planted["n_treated"], planted["n_control"],
                                               planted["p_treated"], planted["p_control"], 1000)),
        "null": dict(null, trials=trials(args.trials, null["n_treated"], null["n_control"],
                                         null["p_treated"], null["p_control"], 5000)),
        # Small and lopsided groups, zero and full counts: where the methods' details show.
        "edges": [intervals(*t) for t in [(0, 10, 3, 12), (5, 5, 2, 9), (1, 40, 0, 35), (7, 30, 30, 30),
                                          (120, 1000, 95, 1000), (3, 7, 4, 7)]],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
