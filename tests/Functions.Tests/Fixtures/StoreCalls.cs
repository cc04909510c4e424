using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Fixtures;

/// <summary>Counts the calls the app makes to its real store, by method, and how many are under way.</summary>
public sealed class StoreCalls
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private int _inFlight;

    public int Of(string method) => _calls.GetValueOrDefault(method);

    /// <summary>Runs before each call goes to the store, with the method's name: to stall storage at one exact step.</summary>
    public Action<string>? Before { get; set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Registers the app's own store behind the counter; call from <see cref="FunctionApp"/>'s test services.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton<TableJobStore>();
        services.AddSingleton(provider =>
        {
            var store = DispatchProxy.Create<IJobStore, CountingStore>();
            ((CountingStore)store).Attach(provider.GetRequiredService<TableJobStore>(), this);
            return store;
        });
    }

    /// <summary>Waits until no call is under way, so a test reads the counts of what a step started.</summary>
    public Task SettledAsync() => FunctionApp.WaitUntilAsync(() => Task.FromResult(InFlight == 0), TimeSpan.FromSeconds(30));

    public class CountingStore : DispatchProxy
    {
        private IJobStore _inner = null!;
        private StoreCalls _calls = null!;

        internal void Attach(IJobStore inner, StoreCalls calls)
        {
            _inner = inner;
            _calls = calls;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            _calls._calls.AddOrUpdate(targetMethod!.Name, 1, (_, n) => n + 1);
            _calls.Before?.Invoke(targetMethod.Name);
            object? result;
            try
            {
                result = targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }

            if (result is not Task task) return result;
            Interlocked.Increment(ref _calls._inFlight);
            task.ContinueWith(_ => Interlocked.Decrement(ref _calls._inFlight), TaskScheduler.Default);
            return result;
        }
    }
}
