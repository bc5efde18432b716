using System.Security.Cryptography;
using System.Text;

namespace XQueue.Functions.Storage;

/// <summary>
/// The one signature primitive behind Shared Key and every SAS: Base64(HMAC-SHA256(key, UTF-8 text)),
/// where the key is the account key or a user delegation key's value.
/// </summary>
internal static class StorageSignature
{
    public static string Compute(byte[] key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
}
