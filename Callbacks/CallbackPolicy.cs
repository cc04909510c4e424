using System.Net;
using Functions.Compute;
using Functions.Jobs.Callbacks;
using Functions.Jobs.Submit;
using Functions.Jobs;
using Microsoft.Extensions.Options;

namespace Functions.Callbacks;

/// <summary>
/// Which callbacks a submit may ask for: an absolute https URL (http too with <c>Callbacks__AllowPrivateNetworks</c>),
/// not an address literal in a forbidden range, and final states only. A host name is checked when it is called,
/// on the addresses it resolves to then (<see cref="CallbackSender"/>).
/// </summary>
public sealed class CallbackPolicy(IOptions<CallbacksOptions> options) : ICallbackPolicy
{
    public const int MaxUrlLength = 2048;

    public JobCallback Admit(CallbackRequest request)
    {
        var settings = options.Value;
        if (WebhookSecrets.Parse(settings.Secret).Count == 0)
            throw new InvalidInputException("callback", "This app sends no callbacks: it has no signing secret (Callbacks__Secret).");
        if (request.Url.Length > MaxUrlLength || !Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.UserInfo.Length > 0)
            throw new InvalidInputException("callback.url", $"'callback.url' must be an absolute https URL of at most {MaxUrlLength} characters, without user info.");
        if (url.Scheme != "https" && !settings.AllowPrivateNetworks)
            throw new InvalidInputException("callback.url", "'callback.url' must use https.");
        if (!settings.AllowPrivateNetworks && IPAddress.TryParse(url.DnsSafeHost, out var address) && NetworkAddresses.IsForbidden(address))
            throw new InvalidInputException("callback.url", "'callback.url' points at a loopback, private, link-local or reserved address.");
        return new JobCallback(url.AbsoluteUri, Events(request.Events));
    }

    private static IReadOnlyList<JobStatus> Events(IReadOnlyList<string>? names)
    {
        if (names is null) return [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Canceled];
        var events = names.Select(JobStatusExtensions.FromName).ToList();
        if (events.Count == 0 || events.Any(e => e is not { } status || !status.IsFinished()))
            throw new InvalidInputException("callback.events", "'callback.events' must list one or more of 'succeeded', 'failed' and 'canceled'.");
        return [.. events.Select(e => e!.Value).Distinct().Order()];
    }
}
