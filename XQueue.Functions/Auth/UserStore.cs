using Azure.Data.Tables;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Auth;

public sealed record XQueueUser(string Name, string PasswordHash, IReadOnlyList<string> Roles);

/// <summary>Users in Table Storage, passwords hashed with ASP.NET Core's PasswordHasher.</summary>
public sealed class UserStore(StorageAccount storage, IOptions<XQueueOptions> options, IMemoryCache cache, ILogger<UserStore> log)
{
    // PBKDF2 costs tens of milliseconds of CPU by design, and the LMS logs in before nearly every submit.
    // A successful check is remembered briefly, in this process only, as a keyed hash of the password
    // tied to the stored hash (a changed password or hash no longer matches).
    static readonly TimeSpan RememberLoginFor = TimeSpan.FromMinutes(5);
    static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    const string Partition = "user";
    readonly TableClient table = storage.GetTable(options.Value.StoragePrefix + "users");
    readonly PasswordHasher<XQueueUser> hasher = new();

    public async Task<XQueueUser?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!IsValidKey(name)) return null;
        var entity = await table.FindAsync(Partition, name, cancellationToken);
        return entity is null
            ? null
            : new XQueueUser(name, entity.GetString("PasswordHash") ?? "", Roles.Parse(entity.GetString("Roles")));
    }

    /// <summary>The user when the password is right; null otherwise (unknown users cost the same hash work).</summary>
    public async Task<XQueueUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        var user = await FindAsync(name, cancellationToken);
        var digest = HMACSHA256.HashData(ProcessKey, Encoding.UTF8.GetBytes(name + "\0" + password));
        if (user is not null && cache.TryGetValue(("login", name), out (string Hash, byte[] Digest) remembered) &&
            remembered.Hash == user.PasswordHash && CryptographicOperations.FixedTimeEquals(remembered.Digest, digest))
        {
            return user;
        }
        var candidate = user ?? new XQueueUser(name, DecoyHash, []);
        var result = hasher.VerifyHashedPassword(candidate, candidate.PasswordHash, password);
        if (user is null || result == PasswordVerificationResult.Failed) return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded) await SaveAsync(user.Name, password, user.Roles, cancellationToken);
        else cache.Set(("login", name), (user.PasswordHash, digest), RememberLoginFor);
        return user;
    }

    public async Task SaveAsync(string name, string password, IReadOnlyList<string> roles, CancellationToken cancellationToken = default)
    {
        var hash = hasher.HashPassword(new XQueueUser(name, "", roles), password);
        var entity = new TableEntity(Partition, name)
        {
            ["PasswordHash"] = hash,
            ["Roles"] = string.Join(",", roles),
            ["Seeded"] = options.Value.Users.ContainsKey(name),
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public Task RemoveAsync(string name, CancellationToken cancellationToken = default) =>
        table.DeleteEntityAsync(Partition, name, cancellationToken: cancellationToken);

    public Task EnsureTableAsync(CancellationToken cancellationToken = default) => table.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// Creates or updates the users named in XQueue:Users (an unchanged user is not rewritten), and
    /// deletes users that configuration seeded before but no longer names, so removing a user from
    /// configuration really removes it.
    /// </summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await foreach (var seeded in table.QueryAllAsync($"PartitionKey eq '{Partition}' and Seeded eq true", [], cancellationToken))
        {
            if (options.Value.Users.ContainsKey(seeded.RowKey)) continue;
            await table.DeleteEntityAsync(Partition, seeded.RowKey, cancellationToken: cancellationToken);
            log.LogInformation("User {User} removed: no longer in XQueue:Users", seeded.RowKey);
        }
        foreach (var (name, seed) in options.Value.Users)
        {
            var roles = Roles.Parse(seed.Roles);
            var existing = await FindAsync(name, cancellationToken);
            var unchanged = existing is not null && existing.Roles.SequenceEqual(roles) &&
                hasher.VerifyHashedPassword(existing, existing.PasswordHash, seed.Password!) == PasswordVerificationResult.Success;
            if (unchanged) continue;
            await SaveAsync(name, seed.Password!, roles, cancellationToken);
            log.LogInformation("User {User} seeded with roles {Roles}", name, string.Join(",", roles));
        }
    }

    static bool IsValidKey(string name) =>
        name.Length is > 0 and <= 128 && !name.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    // A real hash of a random password, so a wrong user name takes as long as a wrong password.
    static readonly string DecoyHash = new PasswordHasher<XQueueUser>().HashPassword(new XQueueUser("", "", []), Guid.NewGuid().ToString());
}
