using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace XQueue.Functions.Storage;

/// <summary>The XML of Get User Delegation Key: the KeyInfo request and the UserDelegationKey answer.</summary>
internal static class UserDelegationKeyXml
{
    public static BinaryData Request(DateTimeOffset startsOn, DateTimeOffset expiresOn)
    {
        var keyInfo = new XElement("KeyInfo",
            new XElement("Start", SasFormat.Time(startsOn)),
            new XElement("Expiry", SasFormat.Time(expiresOn)));
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false) }))
        {
            keyInfo.WriteTo(writer);
        }
        return new BinaryData(buffer.ToArray());
    }

    /// <summary>Throws <see cref="FormatException"/> naming the faulty element, never its content.</summary>
    public static UserDelegationKey Parse(BinaryData body)
    {
        XElement root;
        try
        {
            using var reader = XmlReader.Create(body.ToStream(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            root = XDocument.Load(reader).Root ?? throw new FormatException("The user delegation key answer is empty.");
        }
        catch (XmlException)
        {
            // The body holds the key value, so the parser's message (which may quote it) is not chained.
            throw new FormatException("The user delegation key answer is not XML.");
        }
        if (root.Name != "UserDelegationKey")
            throw new FormatException($"The user delegation key answer is a <{root.Name.LocalName}>, not a <UserDelegationKey>.");

        return new UserDelegationKey(
            Text(root, "SignedOid"),
            Text(root, "SignedTid"),
            Time(root, "SignedStart"),
            Time(root, "SignedExpiry"),
            Text(root, "SignedService"),
            Text(root, "SignedVersion"),
            KeyValue(root));
    }

    static string Text(XElement root, string name) =>
        root.Element(name)?.Value is { Length: > 0 } value
            ? value
            : throw new FormatException($"The user delegation key answer lacks <{name}>.");

    static DateTimeOffset Time(XElement root, string name) =>
        DateTimeOffset.TryParse(Text(root, name), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"The user delegation key answer has an unreadable <{name}>.");

    static byte[] KeyValue(XElement root)
    {
        var text = Text(root, "Value");
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var length) && length > 0
            ? buffer[..length]
            : throw new FormatException("The user delegation key answer has a <Value> that is not base64.");
    }
}
