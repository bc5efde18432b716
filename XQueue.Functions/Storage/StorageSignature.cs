using System.Security.Cryptography;
using System.Text;

namespace XQueue.Functions.Storage;

/// <summary>The one signature primitive behind Shared Key and SAS: Base64(HMAC-SHA256(key, UTF-8 text)).</summary>
internal static class StorageSignature
{
    public static string Compute(byte[] accountKey, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(stringToSign)));
}
