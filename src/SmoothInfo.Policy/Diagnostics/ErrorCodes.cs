namespace SmoothInfo.Diagnostics;

/// <summary>
/// Every diagnostic code in one place. SI1xxx: findings about samples. SI2xxx: input errors
/// (SI20xx policy, SI21xx datasets, SI22xx kernel/estimator inputs). SI3xxx: tool failures.
/// </summary>
public static class ErrorCodes
{
    public const string UsageError = "SI2000";
    public const string DeviceUnavailable = "SI2001";

    public const string FileNotFound = "SI2101";
    public const string NpyMalformed = "SI2110";

    public const string ShapeMismatch = "SI2201";
    public const string TooFewSamples = "SI2202";
    public const string NonFiniteValue = "SI2203";
    public const string KernelNotSymmetric = "SI2204";
    public const string SingularSystem = "SI2205";
    public const string GradientDescentDiverges = "SI2206";
    public const string InvalidHyperparameter = "SI2207";
    public const string IllConditioned = "SI2208";

    public const string UnsupportedLayer = "SI2301";
    public const string UnsupportedLayerConfiguration = "SI2302";
    public const string UnknownParameterGroup = "SI2303";
    public const string InvalidNetworkSpec = "SI2304";
    public const string NetworkOutputShape = "SI2305";
    public const string WeightsMalformed = "SI2306";
    public const string WeightsDoNotMatchNetwork = "SI2307";

    public const string InternalError = "SI3000";
}
