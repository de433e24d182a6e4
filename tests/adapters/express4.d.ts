// Express 4, installed as the alias "express4" next to Express 5: same API for what these tests use.
declare module "express4" {
  import express from "express";
  export default express;
}
