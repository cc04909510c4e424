using Functions.Compute;
using Functions.Jobs.Callbacks;

namespace Functions.Jobs.Submit;

/// <summary>Which callbacks a submit may ask for (implemented beside the delivery, in Callbacks/).</summary>
public interface ICallbackPolicy
{
    /// <summary>The callback to store; throws <see cref="InvalidInputException"/> naming <c>callback.url</c> or <c>callback.events</c>.</summary>
    JobCallback Admit(CallbackRequest request);
}
