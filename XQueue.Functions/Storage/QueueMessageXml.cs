using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace XQueue.Functions.Storage;

/// <summary>The XML bodies of the queue service: the QueueMessage request and the QueueMessagesList answer.</summary>
internal static class QueueMessageXml
{
    public static BinaryData Request(string text)
    {
        // Entitizing new lines keeps a "\r" that XML parsing would otherwise normalise away.
        var settings = new XmlWriterSettings
        {
            OmitXmlDeclaration = true,
            Encoding = new UTF8Encoding(false),
            NewLineHandling = NewLineHandling.Entitize,
        };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            new XElement("QueueMessage", new XElement("MessageText", text)).WriteTo(writer);
        }
        return new BinaryData(buffer.ToArray());
    }

    /// <summary>Each QueueMessage element of a QueueMessagesList.</summary>
    public static IReadOnlyList<XElement> Messages(BinaryData body)
    {
        using var reader = XmlReader.Create(body.ToStream(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var document = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        return document.Root?.Elements("QueueMessage").ToList()
               ?? throw new FormatException("The queue service answered with an empty document.");
    }

    public static string Text(XElement message, string name) =>
        message.Element(name)?.Value ?? throw new FormatException($"A queue message lacks <{name}>.");

    public static long Int64(XElement message, string name) =>
        long.Parse(Text(message, name), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Queue times are RFC 1123, both in XML and in the x-ms-time-next-visible header.</summary>
    public static DateTimeOffset Time(string rfc1123) =>
        DateTimeOffset.ParseExact(rfc1123, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static DateTimeOffset Time(XElement message, string name) => Time(Text(message, name));
}
