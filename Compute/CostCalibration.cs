using Microsoft.Extensions.Logging;

namespace Functions.Compute;

/// <summary>
/// Times each kind's calibration work (<see cref="IComputeKind.Calibration"/>), one kind after another on one of the
/// executor's threads, and sets its factor: measured over modelled core time. It runs in the background from the
/// host's start, so no request waits for it; until a kind's factor is set, its estimates use factor 1.
/// A busy machine only ever makes the work slower, so the lowest time seen is kept, in two ways. Within a round, the
/// fastest of <see cref="TimedRuns"/> runs, which filters a preemption or a short burst. But a load that outlasts the
/// round slows every run alike (primes' runs 1.15–1.5 each while other builds kept two cores busy, 1.06–1.09 quieter),
/// so the round is repeated at <see cref="RecalibrateAfter"/> and a later round only ever lowers a factor: an
/// instance that started busy prices right once the load has passed. A later round also times code the JIT has since
/// optimised (mandelbrot's first round runs mostly in tier-0 code, about twice as slow).
/// </summary>
internal sealed class CostCalibration(
    IEnumerable<IComputeKind> kinds, KindCalibrations calibrations, ComputeExecutor executor, TimeProvider threadTime, ILogger logger)
{
    /// <summary>
    /// Factors are kept within these: a run more than 4× off its model, or under half of it, says more about the
    /// measurement (a search chunk that hit early, a stalled VM) than about the cores.
    /// </summary>
    public const double MinFactor = 0.5, MaxFactor = 4;

    /// <summary>Runs timed after the warm-up: about 0.1 s of core time each, so all of a kind's stay well under a second.</summary>
    public const int TimedRuns = 3;

    /// <summary>
    /// When the later rounds run, from the host's start: past its start-up, past a first burst of jobs, past a long one.
    /// Each costs about a second of one core.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> RecalibrateAfter = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];

    /// <summary>
    /// One round: calibrates every kind in turn; each outcome is logged and set as soon as it is known, unless the
    /// kind already has a lower factor, which it keeps.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var kind in kinds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var work = kind.Calibration();
                var measured = await executor.RunAsync(() => Fastest(work, cancellationToken), work.Modelled * (TimedRuns + 1)).ConfigureAwait(false);
                var factor = Math.Clamp(measured / work.Modelled, MinFactor, MaxFactor);
                var rounded = Math.Round(factor, 3);
                if (calibrations.For(kind.Name) is { Status: CalibrationStatus.Measured } earlier && earlier.Factor <= rounded)
                {
                    ComputeLog.CalibrationKept(logger, kind.Name, earlier.Factor, factor);
                    continue;
                }
                calibrations.Set(kind.Name, new KindCalibration(rounded, CalibrationStatus.Measured));
                ComputeLog.Calibrated(logger, kind.Name, factor, measured.TotalMilliseconds, work.Modelled.TotalMilliseconds);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (calibrations.For(kind.Name).Status != CalibrationStatus.Measured)
                    calibrations.Set(kind.Name, KindCalibration.Pending with { Status = CalibrationStatus.Failed });
                ComputeLog.CalibrationFailed(logger, e, kind.Name, calibrations.For(kind.Name).Factor);
            }
        }
    }

    /// <summary>Runs the work once to warm it up (code, tables, workspaces), then <see cref="TimedRuns"/> times timed; the fastest.</summary>
    private TimeSpan Fastest(CalibrationWork work, CancellationToken cancellationToken)
    {
        Run(work, cancellationToken);
        var fastest = TimeSpan.MaxValue;
        for (var run = 0; run < TimedRuns; run++)
        {
            var start = threadTime.GetTimestamp();
            Run(work, cancellationToken);
            var elapsed = threadTime.GetElapsedTime(start);
            if (elapsed < fastest) fastest = elapsed;
        }
        return fastest;
    }

    private static void Run(CalibrationWork work, CancellationToken cancellationToken)
    {
        for (var chunk = work.FirstChunk; chunk < work.EndChunk; chunk++) work.Plan.ComputeChunk(chunk, cancellationToken);
    }
}
