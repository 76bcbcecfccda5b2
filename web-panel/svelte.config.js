// Svelte compiler options for the panel (defaults; TypeScript in <script lang="ts"> is handled natively).
export default {};
