namespace RoleManager.Lambda.Events;

/// <summary>
/// What an invocation's payload is, read once by <see cref="EventParser.Read"/>: an action (<see cref="LambdaEvent"/>)
/// or a step of a Secrets Manager rotation (<see cref="Rotation.RotationEvent"/>).
/// </summary>
public abstract record InvocationEvent;
