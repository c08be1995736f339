// Asserts that a promise rejects, and checks the error it rejects with.
import assert from "node:assert/strict";

export async function rejects(promise, check) {
  try {
    await promise;
  } catch (error) {
    check(error);
    return;
  }
  assert.fail("the call resolved; it should have rejected");
}
