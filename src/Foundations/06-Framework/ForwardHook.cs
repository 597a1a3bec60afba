namespace Foundations;

/// <summary>Called after a module's forward pass with the module, its input and its output.</summary>
public delegate void ForwardHook(Module module, Tensor input, Tensor output);

/// <summary>
/// One registration of a <see cref="ForwardHook"/> on a module (PyTorch's <c>RemovableHandle</c>):
/// <see cref="Remove"/> or <see cref="Dispose"/> takes the hook off; doing so twice is harmless.
/// </summary>
public sealed class ForwardHookHandle : IDisposable
{
    private Module? module;
    private readonly ForwardHook hook;

    internal ForwardHookHandle(Module module, ForwardHook hook)
    {
        this.module = module;
        this.hook = hook;
    }

    /// <summary>False once the hook has been removed.</summary>
    public bool IsRegistered => module is not null;

    internal void Run(Module source, Tensor input, Tensor output) => hook(source, input, output);

    public void Remove()
    {
        module?.RemoveForwardHook(this);
        module = null;
    }

    public void Dispose() => Remove();
}
