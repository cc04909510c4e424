using System.ComponentModel.DataAnnotations;

namespace Functions.Callbacks;

/// <summary>Settings of job callbacks, section <c>Callbacks</c> (<c>Callbacks__Secret</c>, …).</summary>
public sealed class CallbacksOptions
{
    public const string Section = "Callbacks";

    /// <summary>
    /// The signing secrets, space-separated, each <c>whsec_</c> + base64 of the key's bytes: the first signs, the others
    /// are kept while receivers move to it. Unset, submits asking for a callback are refused.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>Allows callbacks to loopback, private and link-local addresses, and over plain http: local runs and tests only.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one request may take, answer included.</summary>
    [Range(0.1, 60)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The ceiling of the first retry's delay; each retry doubles it, up to <see cref="MaxRetrySeconds"/>, with full jitter.</summary>
    [Range(0.1, 3600)]
    public double FirstRetrySeconds { get; set; } = 5;

    [Range(0.1, 86400)]
    public double MaxRetrySeconds { get; set; } = 3600;

    /// <summary>How long after the job's end retries go on before the delivery is given up as failed.</summary>
    [Range(0.0001, 168)]
    public double GiveUpHours { get; set; } = 24;

    /// <summary>The CloudEvents <c>source</c> of the events.</summary>
    [Required, MinLength(1)]
    public string Source { get; set; } = "/api/jobs";

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan FirstRetry => TimeSpan.FromSeconds(FirstRetrySeconds);

    public TimeSpan MaxRetry => TimeSpan.FromSeconds(MaxRetrySeconds);

    public TimeSpan GiveUpAfter => TimeSpan.FromHours(GiveUpHours);
}
