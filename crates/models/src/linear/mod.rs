//! Linear models: [`LogisticRegressionParams`] (binomial and multinomial,
//! L2 or no penalty, class and sample weights, L-BFGS), and least squares
//! — [`LinearRegressionParams`] and [`RidgeParams`] — solved by Cholesky
//! with a minimum-norm fallback for rank-deficient data.

mod lbfgs;
mod logistic;
mod logistic_loss;
mod regression;
mod solve;

pub use logistic::{
    ClassWeight, FittedLogisticRegression, LogisticRegressionFactory, LogisticRegressionParams,
    Penalty,
};
pub use regression::{
    FittedLinearRegression, LinearKind, LinearRegressionFactory, LinearRegressionParams,
    RidgeFactory, RidgeParams,
};
