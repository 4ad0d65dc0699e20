namespace SmoothInfo.Diagnostics;

/// <summary>
/// Every diagnostic code in one place. SI1xxx: findings about samples. SI2xxx: input errors
/// (SI20xx policy, SI21xx datasets, SI22xx kernel/estimator inputs). SI3xxx: tool failures.
/// </summary>
public static class ErrorCodes
{
    public const string UsageError = "SI2000";
    public const string DeviceUnavailable = "SI2001";

    // SI20xx: the policy file.
    public const string PolicyNotFound = "SI2001";
    public const string PolicySyntax = "SI2002";
    public const string PolicyUnknownKey = "SI2003";
    public const string PolicyWrongType = "SI2004";
    public const string PolicyValueOutOfRange = "SI2005";
    public const string PolicyMissingKey = "SI2006";
    public const string PolicyInvalidValue = "SI2007";
    public const string PolicyPathNotFound = "SI2008";
    public const string PolicyInconsistent = "SI2009";
    public const string PolicyExists = "SI2010";

    // SI21xx: datasets.
    public const string FileNotFound = "SI2101";
    public const string DatasetEmpty = "SI2102";
    public const string DatasetTooLarge = "SI2103";
    public const string CsvMalformedRow = "SI2104";
    public const string CsvColumnCount = "SI2105";
    public const string CsvNotANumber = "SI2106";
    public const string CsvUnknownColumn = "SI2107";
    public const string NonFiniteFeature = "SI2108";
    public const string LabelUnknown = "SI2109";
    public const string NpyMalformed = "SI2110";
    public const string LabelMissing = "SI2111";
    public const string IdxMalformed = "SI2112";
    public const string ImageCorrupt = "SI2113";
    public const string ShapeInconsistent = "SI2114";
    public const string FormatNotRecognised = "SI2115";

    public const string ShapeMismatch = "SI2201";
    public const string TooFewSamples = "SI2202";
    public const string NonFiniteValue = "SI2203";
    public const string KernelNotSymmetric = "SI2204";
    public const string SingularSystem = "SI2205";
    public const string GradientDescentDiverges = "SI2206";
    public const string InvalidHyperparameter = "SI2207";
    public const string IllConditioned = "SI2208";

    public const string InternalError = "SI3000";

    // SI30xx from the build gate (SmoothInfo.Build), about running the estimator rather than the data.
    /// <summary>The estimator process crashed, was killed, timed out, or left no readable diagnostics file.</summary>
    public const string EstimatorProcessFailed = "SI3001";
    /// <summary>The gate's own settings are wrong (tool not found, unknown device, bad timeout).</summary>
    public const string GateMisconfigured = "SI3002";
    /// <summary>The estimator's diagnostics file says the gate failed but carries no error to show.</summary>
    public const string GateFailedWithoutError = "SI3003";
}
