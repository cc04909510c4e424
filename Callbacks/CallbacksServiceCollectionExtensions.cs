using Functions.Jobs.Callbacks;
using Functions.Jobs.Submit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Callbacks;

public static class CallbacksServiceCollectionExtensions
{
    /// <summary>Job callbacks: which a submit may ask for, and their signed delivery with retries.</summary>
    public static IServiceCollection AddCallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallbacksOptions>().Bind(configuration.GetSection(CallbacksOptions.Section))
            .ValidateDataAnnotations()
            .Validate(callbacks => WebhookSecrets.IsWellFormed(callbacks.Secret),
                $"{CallbacksOptions.Section}:{nameof(CallbacksOptions.Secret)} must be space-separated '{WebhookSecrets.Prefix}' + base64 of at least {WebhookSecrets.MinKeyBytes} bytes.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ICallbackPolicy, CallbackPolicy>();
        services.AddSingleton<CallbackSender>();
        services.AddSingleton<RetrySchedule>();
        services.AddSingleton<CallbackDeliverer>();
        services.AddSingleton<ImmediateDelivery>();
        services.AddSingleton<ICallbackDispatcher>(provider => provider.GetRequiredService<ImmediateDelivery>());
        services.AddHostedService(provider => provider.GetRequiredService<ImmediateDelivery>());
        return services;
    }
}
