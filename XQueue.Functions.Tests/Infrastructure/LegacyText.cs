using System.Text.Json;

namespace XQueue.Functions.Tests.Infrastructure;

public static class LegacyText
{
    public static string Header(string callbackUrl, string lmsKey, string queue) =>
        $"{{\"lms_callback_url\": {JsonSerializer.Serialize(callbackUrl)}, \"lms_key\": \"{lmsKey}\", \"queue_name\": {JsonSerializer.Serialize(queue)}}}";

    public static string Body(string code, string grader = "grade.py") =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["grader_payload"] = $"{{\"grader\": \"{grader}\"}}",
            ["student_info"] = "{\"anonymous_student_id\": \"anon-1\", \"submission_time\": \"20261121120000\", \"random_seed\": 1}",
            ["student_response"] = code,
        });
}
