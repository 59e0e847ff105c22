/**
 * The Colab submit cell (`GET /submit.py`): Python for the last cell of the lesson notebook. It
 * signs the student in with Google (Colab's own auth), reads the notebook as it is in the browser,
 * uploads it with the student's access token over verified TLS, polls the status URL and prints the
 * pending grade per exercise with the hints of what failed.
 *
 * One cell serves every lesson: it names none. The file name it sends is the notebook's own (the
 * name Colab keeps in the notebook's metadata, `metadata.colab.name`), else `notebook.ipynb`; the
 * server recognises the lesson when it grades the hand-in. It sends `assignment` only when the cell
 * was served for one (`GET /submit.py?assignment=class_06_2`), or when the student sets ASSIGNMENT
 * (what a hand-in that fits two lessons equally is told to do).
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

# The lesson is recognised from the notebook. Only if the grader says it cannot tell which lesson this
# is, put the lesson's id in ASSIGNMENT (e.g. ASSIGNMENT = "class_06_2") and run this cell again.
GRADER = __GRADER__
ASSIGNMENT = __ASSIGNMENT__


def notebook_name(notebook):
    # Colab keeps the notebook's file name in its metadata; a notebook without it is "notebook.ipynb".
    colab = (notebook.get("metadata") or {}).get("colab") if isinstance(notebook, dict) else None
    name = colab.get("name") if isinstance(colab, dict) else None
    name = name.replace("\\", "/").split("/")[-1].strip() if isinstance(name, str) else ""
    if not name:
        return "notebook.ipynb"
    return name if name.lower().endswith(".ipynb") else name + ".ipynb"


auth.authenticate_user()
credentials, _ = google.auth.default(scopes=["openid", "https://www.googleapis.com/auth/userinfo.email"])
credentials.refresh(google.auth.transport.requests.Request())
notebook = _message.blocking_request("get_ipynb", request="", timeout_sec=120)["ipynb"]
NOTEBOOK_NAME = notebook_name(notebook)

# TLS certificates are verified (the default of requests); never turn that off.
answer = requests.post(
    GRADER + "/api/colab/submissions",
    headers={"Authorization": "Bearer " + credentials.token},
    files={"file": (NOTEBOOK_NAME, json.dumps(notebook).encode("utf-8"), "application/x-ipynb+json")},
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
print(f"Submitted {NOTEBOOK_NAME} as {receipt['email']} (submission {receipt['submissionId']}). Grading...")

status = {"status": "received"}
for _ in range(60):
    status = requests.get(receipt["statusUrl"], headers={"Authorization": "Bearer " + receipt["sessionToken"]}, timeout=60).json()
    if status.get("status") != "received":
        break
    time.sleep(3)

result = status.get("result") or {}
if status.get("status") == "graded":
    print(f"\nPending grade for {status.get('assignment')}: {result['score']:g} / {result['maxScore']:g} (the instructor reviews it before it counts)\n")
    for exercise in result["exercises"]:
        print(f"Exercise {str(exercise.get('id', exercise['number'])):>2}: {exercise['score']:g}/{exercise['maxScore']:g}  {exercise['status']}")
        for check in exercise["checks"]:
            if check["status"] in ("fail", "error"):
                print(f"    - {check['description']}: {check.get('hint') or check['evidence']}")
    for flag in result.get("flags", []):
        print(f"Note ({flag['name']}): {flag['detail']}")
elif status.get("status") == "rejected":
    print(f"\nThis notebook could not be graded: {result.get('error')}")
    if not ASSIGNMENT and "which lesson" in str(result.get("error")):
        print('Put the lesson\'s id in ASSIGNMENT at the top of this cell (e.g. ASSIGNMENT = "class_06_2") and run it again.')
else:
    print("\n" + status.get("message", "Still waiting for the grader.") + f"\nCheck later: {receipt['statusUrl']}")
`;

/** The cell with this server's URL (and an assignment, when given) filled in as Python string literals. */
export function submitCell(publicBaseUrl: string, assignment: string | null): string {
  // A JSON string literal (ASCII-escaped) is a valid Python string literal.
  const literal = (value: string) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return TEMPLATE.replace('__GRADER__', literal(publicBaseUrl)).replace('__ASSIGNMENT__', literal(assignment ?? ''));
}
