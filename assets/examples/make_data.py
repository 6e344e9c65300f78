"""Writes the example data sets beside the example pipelines (deterministic, no downloads).

    python assets/examples/make_data.py            # the small CSVs the examples use
    python assets/examples/make_data.py --churn-rows 200000 --out /tmp/big   # for benchmarks
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def churn(rows: int, seed: int = 7) -> pd.DataFrame:
    """Telecom customers: numbers, categories, missing values, and whether they left."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(["month-to-month", "one-year", "two-year"], rows, p=[0.55, 0.25, 0.2])
    payment = rng.choice(["card", "bank transfer", "electronic check", "mailed check"], rows)
    tenure = rng.integers(1, 73, rows)
    charges = np.round(rng.normal(65, 25, rows).clip(18, 120), 2)
    calls = rng.poisson(1.5, rows)
    senior = rng.random(rows) < 0.16
    logit = (-1.2 + 1.4 * (contract == "month-to-month") - 0.9 * (contract == "two-year")
             - 0.035 * tenure + 0.018 * (charges - 65) + 0.35 * calls
             + 0.6 * (payment == "electronic check") + 0.4 * senior)
    churned = rng.random(rows) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame({
        "tenure_months": tenure,
        "monthly_charges": charges,
        "contract": contract,
        "payment_method": payment,
        "support_calls": calls,
        "senior": np.where(senior, "yes", "no"),
        "churned": np.where(churned, "yes", "no"),
    })
    # Missing values, as real exports have them.
    frame["monthly_charges"] = frame["monthly_charges"].mask(rng.random(rows) < 0.06)
    frame["payment_method"] = frame["payment_method"].mask(rng.random(rows) < 0.04)
    return frame


def diabetes() -> pd.DataFrame:
    """scikit-learn's bundled diabetes data (disease progression after one year)."""
    from sklearn.datasets import load_diabetes
    data = load_diabetes(as_frame=True, scaled=False)
    frame = data.frame.rename(columns={"target": "progression"})
    return frame


def iris_measurements() -> pd.DataFrame:
    """scikit-learn's bundled iris flowers, with the species name kept for reference."""
    from sklearn.datasets import load_iris
    data = load_iris(as_frame=True)
    frame = data.data.copy()
    frame.columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    frame["species"] = [data.target_names[i] for i in data.target]
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--churn-rows", type=int, default=2000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    churn(args.churn_rows).to_csv(args.out / "churn.csv", index=False)
    if args.out == HERE:
        diabetes().to_csv(args.out / "diabetes.csv", index=False)
        iris_measurements().to_csv(args.out / "iris.csv", index=False)


if __name__ == "__main__":
    main()
