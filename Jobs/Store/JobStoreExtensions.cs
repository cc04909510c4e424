using Functions.Jobs.Callbacks;

namespace Functions.Jobs.Store;

public static class JobStoreExtensions
{
    /// <summary>
    /// Applies <paramref name="change"/> with an optimistic-concurrency write, reading again after a conflict, so a
    /// transition only ever moves the job from the state it was decided on. <paramref name="change"/> returns null to
    /// leave the job as it is (for example, it is already finished). Returns the job as it stands afterwards.
    /// </summary>
    public static async Task<JobSnapshot?> UpdateAsync(this IJobRows store, string id, Func<JobRecord, JobRecord?> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await store.GetAsync(id, cancellationToken);
            if (snapshot is null) return null;
            var changed = change(snapshot.Job);
            if (changed is null) return snapshot;
            if (await store.TryReplaceAsync(changed, snapshot.Version, cancellationToken) is { } version)
                return snapshot with { Job = changed, Version = version };
        }
    }

    /// <summary>
    /// Like <see cref="UpdateAsync"/> for a finished job's callback: <paramref name="change"/> returns the callback as
    /// it should be written, or null to leave the job as it is. Returns the job as it stands afterwards.
    /// </summary>
    public static async Task<JobSnapshot?> UpdateCallbackAsync(this IJobRows store, string id, Func<JobRecord, JobCallback?> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await store.GetAsync(id, cancellationToken);
            if (snapshot is null) return null;
            if (change(snapshot.Job) is not { } callback) return snapshot;
            var changed = snapshot.Job with { Callback = callback };
            if (await store.TryWriteCallbackAsync(changed, snapshot.Version, cancellationToken) is { } version)
                return snapshot with { Job = changed, Version = version };
        }
    }
}
