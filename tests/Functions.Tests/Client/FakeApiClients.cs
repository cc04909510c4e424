using ComputeFunctions.Client;
using Functions.Tests.Tools;

namespace Functions.Tests.Client;

/// <summary>Clients of a <see cref="FakeJobApi"/>, with quick backoff so retried tests stay fast.</summary>
internal static class FakeApiClients
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static JobsClient Create(FakeJobApi api, Action<JobsClientOptions>? configure = null, string? functionKey = null, HttpClient? http = null)
    {
        var options = new JobsClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        configure?.Invoke(options);
        return new JobsClient(api.BaseUrl, functionKey, http, options);
    }

    /// <summary>Checks <paramref name="condition"/> until it holds, running <paramref name="step"/> between checks; fails after <see cref="Deadline"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, Action? step = null)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            step?.Invoke();
            await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
        }
    }

    public static IReadOnlyList<FakeRequest> Requests(this FakeJobApi api, string method, string path) =>
        api.Requests.Where(r => r.Method == method && r.Path == path).ToList();

    /// <summary>Collects what a wait reports, synchronously.</summary>
    public sealed class Recorder : IProgress<Job>
    {
        private readonly List<Job> _seen = [];

        public IReadOnlyList<string> Statuses
        {
            get
            {
                lock (_seen) return _seen.Select(job => job.Status.ToString()).ToList();
            }
        }

        public void Report(Job value)
        {
            lock (_seen) _seen.Add(value);
        }
    }
}
