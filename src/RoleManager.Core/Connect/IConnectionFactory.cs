using Npgsql;

namespace RoleManager.Connect;

/// <summary>Opens connections to the database: the one I/O edge every stage shares.</summary>
public interface IConnectionFactory
{
    /// <summary>A short description for messages (user@host:port/db), never with a password.</summary>
    string Target { get; }

    Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Opens a connection as another role (used by the check to log in as each declared role).</summary>
    Task<NpgsqlConnection> OpenAsAsync(string username, Secret? password, CancellationToken cancellationToken);
}
