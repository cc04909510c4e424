using Microsoft.Extensions.Logging;

namespace Functions.Compute;

/// <summary>The compute side's log lines: what the executor's threads run at, the caches the primes kernel is sized for, the kinds' calibration.</summary>
internal static partial class ComputeLog
{
    [LoggerMessage(LogLevel.Information, "Compute threads: {ThreadCount} at {Priority}")]
    public static partial void ThreadsStarted(ILogger logger, int threadCount, string priority);

    [LoggerMessage(LogLevel.Information, "Primes kernel: L1d {L1DataBytes} B, L2 {L2Bytes} B shared by {L2SharedBy} CPUs (from {CacheSource}); blocks {BlockBytes} B, segments {MinSegmentBytes}-{MaxSegmentBytes} B")]
    public static partial void PrimesTuned(ILogger logger, int l1DataBytes, int l2Bytes, int l2SharedBy, string cacheSource, int blockBytes, int minSegmentBytes, int maxSegmentBytes);

    [LoggerMessage(LogLevel.Information, "Cost calibration of {Kind}: factor {Factor:0.000} ({MeasuredMilliseconds:0.0} ms of core time in its fastest run, for work modelled at {ModelledMilliseconds:0.0} ms); its estimates are scaled by it")]
    public static partial void Calibrated(ILogger logger, string kind, double factor, double measuredMilliseconds, double modelledMilliseconds);

    [LoggerMessage(LogLevel.Debug, "Cost calibration of {Kind}: kept factor {Factor:0.000}, this round measured {MeasuredFactor:0.000}")]
    public static partial void CalibrationKept(ILogger logger, string kind, double factor, double measuredFactor);

    [LoggerMessage(LogLevel.Warning, "Cost calibration of {Kind} failed; its estimates keep factor {Factor:0.000}")]
    public static partial void CalibrationFailed(ILogger logger, Exception exception, string kind, double factor);

    [LoggerMessage(LogLevel.Warning, "Compute priority {Requested} not applied as asked: {Refusal}")]
    public static partial void PriorityRefused(ILogger logger, ComputePriority requested, string refusal);
}
