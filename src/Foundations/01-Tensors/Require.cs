using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Foundations;

/// <summary>Argument checks shared by the public entry points, so a bad call fails at the door with a message naming the operation.</summary>
internal static class Require
{
    /// <summary>Returns <paramref name="value"/>, or throws an <see cref="ArgumentNullException"/> naming the operation and the argument.</summary>
    public static T NotNull<T>([NotNull] T? value, string operation, [CallerArgumentExpression(nameof(value))] string argument = "")
        where T : class =>
        value ?? throw new ArgumentNullException(argument, $"{operation}: {argument} is null.");
}
