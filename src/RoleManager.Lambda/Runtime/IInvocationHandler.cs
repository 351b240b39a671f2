namespace RoleManager.Lambda.Runtime;

/// <summary>
/// The function itself: turns one event into a UTF-8 JSON result. Throw a
/// <see cref="Errors.RoleManagerException"/> to fail the invocation with its <c>ErrorType</c>; the token is
/// cancelled a safety margin before the invocation's deadline.
/// </summary>
public interface IInvocationHandler
{
    Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken);
}
