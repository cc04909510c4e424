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
}
