using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Reliability;

/// <summary>
/// Records every job-row write that won its conditional check, by wrapping the app's <see cref="IJobStore"/>: the
/// evidence that a job finished exactly once, however many invocations raced to finish it.
/// </summary>
public sealed class JobTransitions
{
    private readonly ConcurrentQueue<(string JobId, JobStatus Status)> _written = new();
    private int _lostFinishes;

    /// <summary>Awaited before each job-row write goes to storage, to hold one writer at the last step while another goes.</summary>
    public Func<JobRecord, Task>? BeforeWrite { get; set; }

    /// <summary>Writes of a finished state that lost to another writer (the conditional write refused them).</summary>
    public int LostFinishes => Volatile.Read(ref _lostFinishes);

    /// <summary>The states written to a job, as the writes came back.</summary>
    public IReadOnlyList<JobStatus> Of(string jobId) => [.. _written.Where(w => w.JobId == jobId).Select(w => w.Status)];

    /// <summary>How many writes moved the job into a finished state; exactly one for every job that finished.</summary>
    public int FinishesOf(string jobId) => Of(jobId).Count(s => s.IsFinished());

    /// <summary>Registers the app's own store behind the recorder; call from <see cref="Fixtures.FunctionApp"/>'s test services.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton<TableJobStore>();
        services.AddSingleton(provider =>
        {
            var store = DispatchProxy.Create<IJobStore, RecordingStore>();
            ((RecordingStore)store).Attach(provider.GetRequiredService<TableJobStore>(), this);
            return store;
        });
    }

    private async Task<string?> ReplaceAsync(Func<Task<string?>> replace, JobRecord job)
    {
        if (BeforeWrite is { } beforeWrite) await beforeWrite(job);
        var version = await replace();
        if (version is not null) _written.Enqueue((job.Id, job.Status));
        else if (job.Status.IsFinished()) Interlocked.Increment(ref _lostFinishes);
        return version;
    }

    /// <summary>A proxy rather than a hand-written decorator, so the recorder follows <see cref="IJobStore"/> as it grows.</summary>
    public class RecordingStore : DispatchProxy
    {
        private IJobStore _inner = null!;
        private JobTransitions _transitions = null!;

        internal void Attach(IJobStore inner, JobTransitions transitions)
        {
            _inner = inner;
            _transitions = transitions;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod!.Name == nameof(IJobStore.TryReplaceAsync) && args![0] is JobRecord job
                ? _transitions.ReplaceAsync(() => (Task<string?>)Call(targetMethod, args)!, job)
                : Call(targetMethod, args);

        private object? Call(MethodInfo method, object?[]? args)
        {
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
