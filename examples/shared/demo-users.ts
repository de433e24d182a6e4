/** The framework examples' single demo account. */
import { UserDirectory } from "./users.js";

export function demoUsers(): UserDirectory {
  const users = new UserDirectory();
  users.add("ada", "correct horse battery staple", { role: "admin" });
  return users;
}
