// Validate a CycloneDX 1.6 document with the CycloneDX JavaScript library's own validators:
//   node validate.mjs FILE json|xml
// Prints one JSON object {"valid": bool, "validator": "...", "errors": ...} and exits 0 when the
// document is valid, 1 when it is not, 2 on a usage or setup error (tests/sbom/test_cyclonedx_js.py).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import * as CDX from '@cyclonedx/cyclonedx-library'

const [file, format] = process.argv.slice(2)
const validators = { json: CDX.Validation.JsonStrictValidator, xml: CDX.Validation.XmlValidator }
if (!file || !(format in validators)) {
  console.log(JSON.stringify({ valid: false, errors: 'usage: node validate.mjs FILE json|xml' }))
  process.exit(2)
}
const version = createRequire(import.meta.url)('@cyclonedx/cyclonedx-library/package.json').version
const name = `@cyclonedx/cyclonedx-library ${version} ${format === 'json' ? 'JsonStrictValidator' : 'XmlValidator'} (CycloneDX 1.6)`
try {
  const errors = await new validators[format](CDX.Spec.Version.v1dot6).validate(await readFile(file, 'utf8'))
  console.log(JSON.stringify({ valid: errors === null, validator: name, errors }))
  process.exit(errors === null ? 0 : 1)
} catch (error) {
  console.log(JSON.stringify({ valid: false, validator: name, errors: String(error) }))
  process.exit(2)
}
