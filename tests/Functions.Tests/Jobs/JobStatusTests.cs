using Functions.Jobs;

namespace Functions.Tests.Jobs;

public sealed class JobStatusTests
{
    [Theory]
    [InlineData(JobStatus.Running, 0, JobStatus.Queued, 5, true)]
    [InlineData(JobStatus.Queued, 5, JobStatus.Running, 0, false)]
    [InlineData(JobStatus.Running, 3, JobStatus.Running, 2, true)]
    [InlineData(JobStatus.Running, 2, JobStatus.Running, 2, false)]
    [InlineData(JobStatus.Succeeded, 0, JobStatus.Running, 9, true)]
    [InlineData(JobStatus.Canceled, 0, JobStatus.Succeeded, 0, false)]
    [InlineData(JobStatus.Failed, 7, JobStatus.Failed, 3, false)]
    [InlineData(null, 0, JobStatus.Running, 3, true)]
    [InlineData(JobStatus.Running, 3, null, 0, false)]
    public void IsAheadOf_OnlyALaterStageOrMoreChunksWhileUnfinished(JobStatus? status, int chunks, JobStatus? known, int knownChunks, bool ahead) =>
        Assert.Equal(ahead, status.IsAheadOf(chunks, known, knownChunks));
}
