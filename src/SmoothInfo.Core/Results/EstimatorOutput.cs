using SmoothInfo.Estimation;
using SmoothInfo.Rules;

namespace SmoothInfo.Results;

/// <summary>
/// The estimator's output for a dataset: every sample's signals and which solver produced them. Gate computes and
/// caches it, Reports save and read it back; both depend on this, neither on the other for it.
/// </summary>
public sealed record EstimatorOutput(IReadOnlyList<SampleSignals> Signals, SolverReport Solver);
