namespace Functions.Health;

/// <summary>Settings of the health probe, section <c>Health</c>.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Each storage check answers within this, under the 5 s a load balancer or an uptime probe usually waits.</summary>
    public int DeadlineSeconds { get; set; } = 3;
}
