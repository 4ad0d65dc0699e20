namespace SmoothInfo.Cli;

public static class ExitCodes
{
    public const int Success = 0;
    public const int GateFailed = 1;
    public const int UsageOrInputError = 2;
    public const int InternalFailure = 3;
}
