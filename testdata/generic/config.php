<?php
define('DB_PASSWORD', 'Zr6!pK2wN9xT4v');
return [
    'api_key' => env('API_KEY'),
    'token' => 'fake_token_9d8c7b6a5f4e3d2c1b',
];
