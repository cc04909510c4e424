using Functions.Http;
using Functions.Jobs;

namespace Functions.Tests.Http;

public sealed class JobEventIdTests
{
    [Theory]
    [InlineData(JobStatus.Queued, 0, "q0")]
    [InlineData(JobStatus.Running, 37, "r37")]
    [InlineData(JobStatus.Succeeded, 0, "s")]
    [InlineData(JobStatus.Failed, 0, "f")]
    [InlineData(JobStatus.Canceled, 0, "c")]
    public void Mark_IsWrittenAndReadBack(JobStatus status, int chunksDone, string text)
    {
        var mark = new JobEventId(status, chunksDone);

        Assert.Equal(text, mark.ToString());
        Assert.Equal(mark, JobEventId.Parse(text));
    }

    [Theory]
    [InlineData("r5", "r4", true)]
    [InlineData("r4", "r4", false)]
    [InlineData("r3", "r4", false)]
    [InlineData("r0", "q0", true)]
    [InlineData("q0", "r0", false)]
    [InlineData("s", "r99", true)]
    [InlineData("c", "s", false)]
    [InlineData("s", "x", false)]
    [InlineData("q0", null, true)]
    public void IsNewerThan_OnlyForwardStates(string now, string? seen, bool newer) =>
        Assert.Equal(newer, JobEventId.Parse(now)!.Value.IsNewerThan(seen is null ? null : JobEventId.Parse(seen)));

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("z1")]
    [InlineData("s1")]
    [InlineData("r-1")]
    [InlineData("r")]
    public void Parse_AnythingElse_IsUnseen(string text) => Assert.Null(JobEventId.Parse(text));

    [Fact]
    public void ParseAll_AnIdForOtherJobs_IsAllUnseen()
    {
        Assert.Equal([null, null], JobEventId.ParseAll("s", 2));
        Assert.Equal([new JobEventId(JobStatus.Running, 2), null, JobEventId.Gone], JobEventId.ParseAll("r2.-.x", 3));
    }
}
