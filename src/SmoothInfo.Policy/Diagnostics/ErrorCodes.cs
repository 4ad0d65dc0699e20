namespace SmoothInfo.Diagnostics;

/// <summary>
/// Every diagnostic code in one place. SI1xxx: findings about samples. SI2xxx: input errors
/// (SI20xx policy, SI21xx datasets, SI22xx kernel/estimator inputs). SI3xxx: tool failures.
/// </summary>
public static class ErrorCodes
{
    // SI1xxx: findings (the categories' codes, then what the gate says about them as a whole).
    public const string FindingsNotListed = "SI1000";
    public const string Mislabeled = "SI1001";
    public const string Corrupted = "SI1002";
    public const string AdversarialLooking = "SI1003";
    public const string Atypical = "SI1004";
    public const string ConflictingDuplicates = "SI1005";
    public const string BudgetExceeded = "SI1100";
    public const string StaleBaselineEntry = "SI1101";

    public const string UsageError = "SI2000";
    public const string DeviceUnavailable = "SI2001";

    // SI201x: the policy file (SI200x is left to command-line usage errors).
    public const string PolicyNotFound = "SI2010";
    public const string PolicySyntax = "SI2011";
    public const string PolicyUnknownKey = "SI2012";
    public const string PolicyWrongType = "SI2013";
    public const string PolicyValueOutOfRange = "SI2014";
    public const string PolicyMissingKey = "SI2015";
    public const string PolicyInvalidValue = "SI2016";
    public const string PolicyPathNotFound = "SI2017";
    public const string PolicyInconsistent = "SI2018";
    public const string PolicyExists = "SI2019";

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
    /// <summary>libtorch (or .NET) could not allocate memory: the problem is too large for this machine as configured.</summary>
    public const string OutOfMemory = "SI2209";
    /// <summary>The planner found no route whose estimated peak memory fits estimator.memoryBudget: refused before allocating.</summary>
    public const string ExceedsMemoryBudget = "SI2210";

    // SI23xx: networks, kernels and weights.
    public const string UnsupportedLayer = "SI2301";
    public const string UnsupportedLayerConfiguration = "SI2302";
    public const string UnknownParameterGroup = "SI2303";
    public const string InvalidNetworkSpec = "SI2304";
    public const string NetworkOutputShape = "SI2305";
    public const string WeightsMalformed = "SI2306";
    public const string WeightsDoNotMatchNetwork = "SI2307";

    // SI24xx: the baseline file.
    public const string BaselineMalformed = "SI2401";

    // SI25xx: a saved smoothinfo-report.json that `smoothinfo report` reads.
    public const string ReportNotFound = "SI2501";
    public const string ReportMalformed = "SI2502";
    public const string ReportDoesNotMatchPolicy = "SI2503";

    // SI26xx: files the tool writes (reports, the estimator cache, the baseline, a starter policy).
    /// <summary>The folder is read-only, the disk is full or the path is not a folder: the previous file is left as it was.</summary>
    public const string OutputNotWritable = "SI2601";

    // SI27xx: the files the stages of a sharded run exchange (docs/sharding.md).
    /// <summary>A stage's input file is absent: the stage that writes it has not run (or its artifact was not downloaded).</summary>
    public const string ShardFileMissing = "SI2701";
    /// <summary>A shard file is damaged, of another format version, or from another policy, dataset, tool build or shard count.</summary>
    public const string ShardFileMismatch = "SI2702";

    public const string InternalError = "SI3000";

    // SI30xx from the build gate (SmoothInfo.Build), about running the estimator rather than the data.
    /// <summary>The estimator process crashed, was killed, timed out, or left no readable diagnostics file.</summary>
    public const string EstimatorProcessFailed = "SI3001";
    /// <summary>The gate's own settings are wrong (tool not found, unknown device, bad timeout).</summary>
    public const string GateMisconfigured = "SI3002";
    /// <summary>The estimator's diagnostics file says the gate failed but carries no error to show.</summary>
    public const string GateFailedWithoutError = "SI3003";
    /// <summary>No estimator package is built for the platform of the machine that builds (SmoothInfo.Build's package mode).</summary>
    public const string EstimatorPlatformUnsupported = "SI3004";
}
