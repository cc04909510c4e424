namespace Functions.Jobs.Store;

/// <summary>
/// Where jobs, their ranges and results live, every role in one as the storage implements them; the app's classes take
/// only the roles they use. Transient storage failures surface as <see cref="StorageUnavailableException"/>.
/// </summary>
public interface IJobStore : IJobRows, IJobListing, IWorkLedger, ISendMarks, IIdempotencyKeys, IJobResults;
