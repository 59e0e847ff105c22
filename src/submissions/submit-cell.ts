/**
 * The Colab submit cell (`GET /submit.py`): Python for the last cell of the lesson notebook. It
 * signs the student in with Google (Colab's own auth), reads the notebook as it is in the browser,
 * uploads it with the student's access token over verified TLS, polls the status URL and prints the
 * pending grade per exercise with the hints of what failed.
 */

const TEMPLATE = String.raw`# BIO 1173 automatic grader: submit this notebook.
# Make this the LAST cell. Run all the cells above first (Runtime > Run all), then run this one.
# It asks Google who you are (a pop-up the first time), sends the notebook as it is now, and prints
# your pending grade. You may fix things and submit again: every attempt is kept.
import json, time
import requests
import google.auth
import google.auth.transport.requests
from google.colab import auth, _message

GRADER = __GRADER__
ASSIGNMENT = __ASSIGNMENT__

auth.authenticate_user()
credentials, _ = google.auth.default(scopes=["openid", "https://www.googleapis.com/auth/userinfo.email"])
credentials.refresh(google.auth.transport.requests.Request())
notebook = _message.blocking_request("get_ipynb", request="", timeout_sec=120)["ipynb"]

# TLS certificates are verified (the default of requests); never turn that off.
answer = requests.post(
    GRADER + "/api/colab/submissions",
    headers={"Authorization": "Bearer " + credentials.token},
    files={"file": ("Class_06_2.ipynb", json.dumps(notebook).encode("utf-8"), "application/x-ipynb+json")},
    data={"assignment": ASSIGNMENT} if ASSIGNMENT else {},
    timeout=300,
)
if answer.status_code != 202:
    try:
        reason = answer.json().get("message", answer.text)
    except ValueError:
        reason = answer.text
    raise SystemExit(f"Submission refused (HTTP {answer.status_code}): {reason}")
receipt = answer.json()
print(f"Submitted as {receipt['email']} (submission {receipt['submissionId']}). Grading...")

status = {"status": "received"}
for _ in range(60):
    status = requests.get(receipt["statusUrl"], headers={"Authorization": "Bearer " + receipt["sessionToken"]}, timeout=60).json()
    if status.get("status") != "received":
        break
    time.sleep(3)

result = status.get("result") or {}
if status.get("status") == "graded":
    print(f"\nPending grade: {result['score']:g} / {result['maxScore']:g} (the instructor reviews it before it counts)\n")
    for exercise in result["exercises"]:
        print(f"Exercise {str(exercise.get('id', exercise['number'])):>2}: {exercise['score']:g}/{exercise['maxScore']:g}  {exercise['status']}")
        for check in exercise["checks"]:
            if check["status"] in ("fail", "error"):
                print(f"    - {check['description']}: {check.get('hint') or check['evidence']}")
    for flag in result.get("flags", []):
        print(f"Note ({flag['name']}): {flag['detail']}")
elif status.get("status") == "rejected":
    print(f"\nThis notebook could not be graded: {result.get('error')}")
else:
    print("\n" + status.get("message", "Still waiting for the grader.") + f"\nCheck later: {receipt['statusUrl']}")
`;

/** The cell with this server's URL (and an assignment, when given) filled in as Python string literals. */
export function submitCell(publicBaseUrl: string, assignment: string | null): string {
  // A JSON string literal (ASCII-escaped) is a valid Python string literal.
  const literal = (value: string) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return TEMPLATE.replace('__GRADER__', literal(publicBaseUrl)).replace('__ASSIGNMENT__', literal(assignment ?? ''));
}
